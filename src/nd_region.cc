// SPDX-License-Identifier: GPL-2.0-or-later
// Pmem regions and their label areas (PmemRegionsInterface, libnvdimm.h).
#include <string.h>
#include <unistd.h>

#include "libnvdimm.h"

namespace pmemreclaim {
namespace {

// ND_DEVICE_NAMESPACE_IO from ndctl/ndctl.h (which needs ccan headers):
// the namespace type of a label-less ("legacy") pmem region.
constexpr unsigned kNamespaceIo = 4;

// Does the raw namespace's last 128 KiB start with a namespace label index
// (the label area ramdax keeps at the end of a carve)?  Read through its
// block device; false when it can't be read.
bool EndHoldsLabelIndex(struct ndctl_namespace* ns) {
  const u64 size = ndctl_namespace_get_size(ns);
  if (size <= kLabelAreaSize) return false;
  static const char kSig[] = "NAMESPACE_INDEX";
  const auto start = ReadBlockDevice(ns, size - kLabelAreaSize, sizeof kSig);
  return start && memcmp(start->data(), kSig, sizeof kSig) == 0;
}

bool LabelsValid(struct ndctl_dimm* dimm) {
  struct ndctl_cmd* read = ndctl_dimm_read_label_index(dimm);
  if (read == nullptr) return false;
  const bool valid = ndctl_dimm_validate_labels(dimm) >= 0;
  ndctl_cmd_unref(read);
  return valid;
}

}  // namespace

std::vector<RegionInfo> LibNvdimm::LegacyRegions() {
  std::vector<RegionInfo> out;
  if (ctx_ == nullptr) return out;
  // Before nd_pmem loads no namespace has a driver; afterwards one without
  // is one the kernel's probe refused.
  const bool nd_pmem_loaded = access("/sys/bus/nd/drivers/nd_pmem", F_OK) == 0;
  struct ndctl_bus* bus;
  ndctl_bus_foreach(ctx_, bus) {
    ndctl_bus_wait_probe(bus);
    struct ndctl_region* region;
    ndctl_region_foreach(bus, region) {
      if (ndctl_region_get_nstype(region) != kNamespaceIo) continue;
      RegionInfo info;
      info.name = ndctl_region_get_devname(region);
      info.range = Range::FromSize(ndctl_region_get_resource(region), ndctl_region_get_size(region));
      info.target_node = ndctl_region_get_target_node(region);
      info.provider = ndctl_bus_get_provider(bus);
      info.bus_device = BusDevice(bus);
      struct ndctl_namespace* ns = Namespace(region, "");
      if (ns != nullptr) {
        info.namespace_name = ndctl_namespace_get_devname(ns);
        info.force_raw = ndctl_namespace_get_raw_mode(ns) == 1;
        if (struct ndctl_dax* dax = ndctl_namespace_get_dax(ns); dax != nullptr && ndctl_dax_is_enabled(dax)) {
          info.state = RegionState::kDevdax;
          info.dax_data = Range::FromSize(ndctl_dax_get_resource(dax), ndctl_dax_get_size(dax));
          uuid_t uu;
          ndctl_dax_get_uuid(dax, uu);
          info.dax_uuid = UuidText(uu);
        } else if (ndctl_namespace_get_pfn(ns) != nullptr || ndctl_namespace_get_btt(ns) != nullptr ||
                   ndctl_namespace_get_dax(ns) != nullptr) {
          // fsdax, btt, or a dax claim that is not enabled: not ours to judge.
          info.state = RegionState::kOther;
        } else if (!ndctl_namespace_is_enabled(ns)) {
          info.unattached = nd_pmem_loaded;
        } else {
          info.labels_at_end = EndHoldsLabelIndex(ns);
        }
      }
      out.push_back(std::move(info));
    }
  }
  return out;
}

std::vector<RegionInfo> LibNvdimm::RamdaxRegions() {
  std::vector<RegionInfo> out;
  if (ctx_ == nullptr) return out;
  struct ndctl_bus* bus;
  ndctl_bus_foreach(ctx_, bus) {
    if (std::string(ndctl_bus_get_provider(bus)) != "ramdax") continue;
    ndctl_bus_wait_probe(bus);
    struct ndctl_region* region;
    ndctl_region_foreach(bus, region) {
      RegionInfo info;
      info.name = ndctl_region_get_devname(region);
      // A ramdax region spans the whole carve; its DIMM's last 128 KiB are
      // the label area, which no namespace can use (drivers/nvdimm/ramdax.c).
      const u64 size = ndctl_region_get_size(region);
      info.range = Range::FromSize(ndctl_region_get_resource(region), size > kLabelAreaSize ? size - kLabelAreaSize : 0);
      info.target_node = ndctl_region_get_target_node(region);
      info.provider = ndctl_bus_get_provider(bus);
      info.bus_device = BusDevice(bus);
      info.labelled = true;
      struct ndctl_dimm* dimm = ndctl_region_get_first_dimm(region);
      info.labels_valid = dimm != nullptr && LabelsValid(dimm);
      struct ndctl_namespace* ns;
      ndctl_namespace_foreach(region, ns) {
        if (ndctl_namespace_get_size(ns) == 0) continue;
        NamespaceInfo n;
        n.devname = ndctl_namespace_get_devname(ns);
        const char* alt = ndctl_namespace_get_alt_name(ns);
        n.alt_name = alt != nullptr ? alt : "";
        n.range = Range::FromSize(ndctl_namespace_get_resource(ns), ndctl_namespace_get_size(ns));
        uuid_t uu;
        ndctl_namespace_get_uuid(ns, uu);
        n.uuid = UuidText(uu);
        if (struct ndctl_dax* dax = ndctl_namespace_get_dax(ns); dax != nullptr && ndctl_dax_is_enabled(dax)) {
          n.devdax = true;
          n.dax_data = Range::FromSize(ndctl_dax_get_resource(dax), ndctl_dax_get_size(dax));
          ndctl_dax_get_uuid(dax, uu);
          n.dax_uuid = UuidText(uu);
          n.dax_device = DaxDeviceName(ns);
        }
        info.namespaces.push_back(n);
      }
      out.push_back(std::move(info));
    }
  }
  return out;
}

bool LibNvdimm::InitLabels(const std::string& name, std::string* err) {
  struct ndctl_region* region = Region(name);
  struct ndctl_dimm* dimm = region != nullptr ? ndctl_region_get_first_dimm(region) : nullptr;
  if (dimm == nullptr) {
    *err = name + ": no DIMM";
    return false;
  }
  int rc = ndctl_region_disable_invalidate(region);
  if (rc < 0) {
    *err = name + ": disable: " + Errno(rc);
    return false;
  }
  struct ndctl_cmd* read = ndctl_dimm_read_label_index(dimm);
  rc = read == nullptr ? -ENXIO : ndctl_dimm_init_labels(dimm, NDCTL_NS_VERSION_1_2);
  if (read != nullptr) ndctl_cmd_unref(read);
  if (rc >= 0 && ndctl_dimm_is_enabled(dimm)) {
    // The kernel caches the label area: reload it.
    rc = ndctl_dimm_disable(dimm);
    if (rc >= 0) rc = ndctl_dimm_enable(dimm);
  }
  const int enable_rc = ndctl_region_enable(region);
  if (rc < 0) {
    *err = std::string(ndctl_dimm_get_devname(dimm)) + ": init labels: " + Errno(rc);
    return false;
  }
  if (enable_rc < 0) {
    *err = name + ": enable after init labels: " + Errno(enable_rc);
    return false;
  }
  return true;
}

}  // namespace pmemreclaim
