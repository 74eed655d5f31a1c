// SPDX-License-Identifier: GPL-2.0-or-later
// Namespaces of pmem regions and their devdax claim (NamespacesInterface,
// libnvdimm.h).
#include "libnvdimm.h"
#include "log.h"
#include "timing.h"

namespace pmemreclaim {

bool LibNvdimm::CreateNamespace(const std::string& name, const std::string& label, const std::string& uuid_text, u64 size,
                                u64 align, bool enable, std::string* devname, Range* range, std::string* err) {
  struct ndctl_region* region = Region(name);
  if (region == nullptr) {
    *err = name + ": no such region";
    return false;
  }
  if (ndctl_region_get_align(region) != align) {
    const int rc = ndctl_region_set_align(region, align);
    if (rc < 0) {
      *err = name + ": align " + HumanSize(align) + ": " + Errno(rc);
      return false;
    }
  }
  struct ndctl_namespace* ns = ndctl_region_get_namespace_seed(region);
  if (ns == nullptr) {
    *err = name + ": no namespace seed";
    return false;
  }
  uuid_t uuid;
  if (!ToUuid(uuid_text, uuid)) {
    *err = name + ": bad uuid " + uuid_text;
    return false;
  }
  const char* step = "uuid";
  int rc = ndctl_namespace_set_uuid(ns, uuid);
  if (rc >= 0) step = "name", rc = ndctl_namespace_set_alt_name(ns, label.c_str());
  if (rc >= 0) step = "size", rc = ndctl_namespace_set_size(ns, size);
  if (rc >= 0 && enable) step = "enable", rc = ndctl_namespace_enable(ns);
  *devname = ndctl_namespace_get_devname(ns);
  if (rc < 0) {
    *err = *devname + ": " + step + ": " + Errno(rc);
    ndctl_namespace_delete(ns);
    return false;
  }
  *range = Range::FromSize(ndctl_namespace_get_resource(ns), ndctl_namespace_get_size(ns));
  return true;
}

bool LibNvdimm::DeleteNamespace(const std::string& name, const std::string& nsname, std::string* err) {
  struct ndctl_region* region = Region(name);
  struct ndctl_namespace* ns = region != nullptr ? Namespace(region, nsname) : nullptr;
  if (ns == nullptr) {
    *err = name + ": no namespace " + nsname;
    return false;
  }
  ndctl_namespace_disable_invalidate(ns);
  const int rc = ndctl_namespace_delete(ns);
  if (rc < 0) {
    *err = nsname + ": delete: " + Errno(rc);
    return false;
  }
  return true;
}

bool LibNvdimm::CreateDevdax(const std::string& name, const std::string& nsname, u64 align, const std::string& uuid_text,
                             Range* data, std::string* err) {
  PhaseTimer timer(PhaseId::kDevdax);
  struct ndctl_region* region = Region(name);
  struct ndctl_namespace* ns = region != nullptr ? Namespace(region, nsname) : nullptr;
  if (ns == nullptr) {
    *err = name + ": no namespace " + nsname;
    return false;
  }
  struct ndctl_dax* dax = ndctl_region_get_dax_seed(region);
  if (dax == nullptr) {
    *err = name + ": the kernel offers no dax seed (is dax_pmem loaded?)";
    return false;
  }
  int rc = ndctl_namespace_disable_invalidate(ns);
  if (rc < 0) {
    *err = std::string(ndctl_namespace_get_devname(ns)) + ": disable: " + Errno(rc);
    return false;
  }
  // A namespace the boot job's look forced raw (force_raw.h) is claimed
  // like any other: its flag would keep the dax device from seeing it.
  if (ndctl_namespace_get_raw_mode(ns) == 1 && (rc = ndctl_namespace_set_raw_mode(ns, 0)) < 0) {
    *err = std::string(ndctl_namespace_get_devname(ns)) + ": clear force_raw: " + Errno(rc);
    ndctl_namespace_enable(ns);  // forced raw still: the job's end gives it back
    return false;
  }
  uuid_t uuid;
  if (!ToUuid(uuid_text, uuid)) {
    *err = name + ": bad uuid " + uuid_text;
    ndctl_namespace_enable(ns);
    return false;
  }
  const char* step = "uuid";
  rc = ndctl_dax_set_uuid(dax, uuid);
  if (rc >= 0) step = "location", rc = ndctl_dax_set_location(dax, NDCTL_PFN_LOC_RAM);
  if (rc >= 0) step = "align", rc = ndctl_dax_set_align(dax, align);
  if (rc >= 0) step = "namespace", rc = ndctl_dax_set_namespace(dax, ns);
  if (rc >= 0) step = "enable", rc = ndctl_dax_enable(dax);
  if (rc < 0) {
    *err = std::string(ndctl_dax_get_devname(dax)) + ": " + step + ": " + Errno(rc);
    // Put things back as they were: release the seed, re-enable the namespace.
    ndctl_dax_delete(dax);
    ndctl_namespace_enable(ns);
    return false;
  }
  *data = Range::FromSize(ndctl_dax_get_resource(dax), ndctl_dax_get_size(dax));
  return true;
}

std::string LibNvdimm::DaxDeviceName(struct ndctl_namespace* ns) {
  struct ndctl_dax* dax = ns != nullptr ? ndctl_namespace_get_dax(ns) : nullptr;
  if (dax == nullptr || !ndctl_dax_is_enabled(dax)) return "";
  struct daxctl_region* region = ndctl_dax_get_daxctl_region(dax);
  struct daxctl_dev* dev = region != nullptr ? daxctl_dev_get_first(region) : nullptr;
  return dev != nullptr ? daxctl_dev_get_devname(dev) : "";
}

std::string LibNvdimm::DaxDeviceOf(const std::string& name, const std::string& nsname) {
  struct ndctl_region* region = Region(name);
  return DaxDeviceName(region != nullptr ? Namespace(region, nsname) : nullptr);
}

bool LibNvdimm::ForceRaw(const std::string& name, std::string* err) {
  struct ndctl_namespace* ns = NamespaceByName(name);
  if (ns == nullptr) {
    *err = name + ": no such namespace";
    return false;
  }
  if (ndctl_namespace_is_active(ns)) {
    *err = name + ": a driver holds it already";
    return false;
  }
  const int rc = ndctl_namespace_set_raw_mode(ns, 1);
  if (rc < 0) {
    *err = name + ": force_raw: " + Errno(rc);
    return false;
  }
  return true;
}

bool LibNvdimm::AttachRaw(const std::string& name, std::string* err) {
  if (!ForceRaw(name, err)) return false;
  struct ndctl_namespace* ns = NamespaceByName(name);
  const int rc = ndctl_namespace_enable(ns);
  if (rc < 0) {
    *err = name + ": the kernel did not attach it raw: " + Errno(rc);
    ndctl_namespace_set_raw_mode(ns, 0);
    return false;
  }
  return true;
}

std::optional<std::string> LibNvdimm::ReadNamespace(const std::string& name, u64 offset, size_t size) {
  return ReadBlockDevice(NamespaceByName(name), offset, size);
}

bool LibNvdimm::Reprobe(const std::string& name, std::string* claimed, std::string* err) {
  struct ndctl_namespace* ns = NamespaceByName(name);
  if (ns == nullptr) {
    *err = name + ": no such namespace";
    return false;
  }
  // A plain unbind: nothing claims a namespace forced raw, and nothing of
  // what the media holds is touched.
  int rc = ndctl_namespace_disable(ns);
  if (rc < 0) {
    *err = name + ": disable: " + Errno(rc);
    return false;
  }
  rc = ndctl_namespace_set_raw_mode(ns, 0);
  if (rc < 0) {
    *err = name + ": clear force_raw: " + Errno(rc);
    return false;
  }
  rc = ndctl_namespace_enable(ns);
  if (rc < 0) {
    *err = name + ": the kernel did not attach it: " + Errno(rc);
    return false;
  }
  *claimed = rc == 0                              ? ""
             : ndctl_namespace_get_dax(ns) != nullptr ? "dax"
             : ndctl_namespace_get_pfn(ns) != nullptr ? "pfn"
             : ndctl_namespace_get_btt(ns) != nullptr ? "btt"
                                                      : "another device";
  return true;
}

}  // namespace pmemreclaim
