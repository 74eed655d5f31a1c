// SPDX-License-Identifier: GPL-2.0-or-later
// Dax devices handed to kmem and back (KmemInterface, libnvdimm.h).
#include "libnvdimm.h"
#include "system.h"
#include "timing.h"

namespace pmemreclaim {

bool LibNvdimm::OnlineDevdax(const std::string& name, const std::string& nsname, const KmemMode& mode, KmemResult* result,
                             std::string* err) {
  *result = KmemResult{};
  struct ndctl_region* region = Region(name);
  struct ndctl_namespace* ns = region != nullptr ? Namespace(region, nsname) : nullptr;
  struct ndctl_dax* dax = ns != nullptr ? ndctl_namespace_get_dax(ns) : nullptr;
  struct daxctl_region* dregion = dax != nullptr ? ndctl_dax_get_daxctl_region(dax) : nullptr;
  struct daxctl_dev* dev = dregion != nullptr ? daxctl_dev_get_first(dregion) : nullptr;
  if (dev == nullptr) {
    *err = name + ": no dax device";
    return false;
  }
  daxctl_set_log_fn(daxctl_region_get_ctx(dregion), DaxctlLog);
  return OnlineDev(dev, mode, result, err);
}

bool LibNvdimm::OnlineDaxDevice(const std::string& devname, const KmemMode& mode, KmemResult* result, std::string* err) {
  *result = KmemResult{};
  ForgetDaxctl();  // kmem may have bound devices since
  struct daxctl_ctx* dctx = Daxctl();
  if (dctx == nullptr) {
    *err = devname + ": libdaxctl did not start";
    return false;
  }
  struct daxctl_region* region;
  daxctl_region_foreach(dctx, region) {
    struct daxctl_dev* dev;
    daxctl_dev_foreach(region, dev) {
      if (devname != daxctl_dev_get_devname(dev)) continue;
      return OnlineDev(dev, mode, result, err);
    }
  }
  *err = devname + ": not found";
  return false;
}

std::vector<KmemDevice> LibNvdimm::KmemDevices() {
  std::vector<KmemDevice> out;
  ForEachKmemDev([&](struct daxctl_dev* dev, struct ndctl_bus* bus, struct ndctl_dax* dax,
                     struct daxctl_region* hregion) {
    KmemDevice k;
    k.devname = daxctl_dev_get_devname(dev);
    k.range = Range::FromSize(daxctl_dev_get_resource(dev), daxctl_dev_get_size(dev));
    if (hregion != nullptr) {
      k.hmem = true;
      k.bus_device = HmemDevice(hregion);
    } else {
      k.bus_device = BusDevice(bus);
      if (struct ndctl_namespace* ns = ndctl_dax_get_namespace(dax); ns != nullptr) {
        k.namespace_range = Range::FromSize(ndctl_namespace_get_resource(ns), ndctl_namespace_get_size(ns));
      }
      uuid_t uu;
      ndctl_dax_get_uuid(dax, uu);
      k.uuid = UuidText(uu);
    }
    out.push_back(k);
  });
  return out;
}

bool LibNvdimm::ReturnToDevdax(const KmemDevice& want, std::string* err) {
  std::vector<struct daxctl_dev*> devs;
  ForEachKmemDev([&](struct daxctl_dev* dev, struct ndctl_bus*, struct ndctl_dax*, struct daxctl_region*) {
    devs.push_back(dev);
  });
  for (struct daxctl_dev* dev : devs) {
    if (want.devname != daxctl_dev_get_devname(dev)) continue;
    int rc = daxctl_dev_disable(dev);
    if (rc < 0) {
      *err = want.devname + ": unbind kmem: " + Errno(rc);
      return false;
    }
    rc = daxctl_dev_enable_devdax(dev);
    if (rc < 0) {
      *err = want.devname + ": back to devdax: " + Errno(rc);
      return false;
    }
    return true;
  }
  *err = want.devname + ": not found";
  return false;
}

// Binds kmem to `dev` unless it has it (asking first for the blocks'
// memory map on them when mode.memmap_on_memory), and onlines its blocks
// in mode.zone.
bool LibNvdimm::OnlineDev(struct daxctl_dev* dev, const KmemMode& mode, KmemResult* result, std::string* err) {
  const std::string devname = daxctl_dev_get_devname(dev);
  struct daxctl_memory* mem = daxctl_dev_get_memory(dev);
  if (mem == nullptr) {
    // Not in system-ram mode yet: switch the device from device_dax to kmem.
    if (daxctl_dev_is_enabled(dev)) {
      const int rc = daxctl_dev_disable(dev);
      if (rc < 0) {
        *err = devname + ": disable: " + Errno(rc);
        return false;
      }
    }
    if (mode.memmap_on_memory) {
      // No libdaxctl call for it (ndctl 81): the attribute, while no driver
      // or device_dax holds the device (kmem would make it -EBUSY).
      std::string why;
      if (!WriteAttribute("/sys/bus/dax/devices/" + devname + "/memmap_on_memory", "1", &why)) {
        result->memmap_refused = why;
      }
    }
    int rc;
    {
      PhaseTimer timer(PhaseId::kKmem);
      rc = daxctl_dev_enable_ram(dev);
    }
    if (rc < 0) {
      *err = devname + ": kmem: " + Errno(rc);
      return false;
    }
    mem = daxctl_dev_get_memory(dev);
    if (mem == nullptr) {
      *err = devname + ": bound to kmem but has no memory blocks";
      return false;
    }
  }
  int rc;
  {
    PhaseTimer timer(PhaseId::kOnline);
    rc = mode.zone == Zone::kMovable ? daxctl_memory_online(mem) : daxctl_memory_online_no_movable(mem);
  }
  if (rc < 0) {
    *err = devname + ": online: " + Errno(rc);
    return false;
  }
  result->blocks_onlined = rc;
  return true;
}

}  // namespace pmemreclaim
