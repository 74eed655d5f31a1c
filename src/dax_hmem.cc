// SPDX-License-Identifier: GPL-2.0-or-later
// Soft-reserved (dax_hmem) regions and their dax devices (HmemInterface,
// libnvdimm.h).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "libnvdimm.h"
#include "plan.h"
#include "system.h"

namespace pmemreclaim {
namespace {

// Where a dax device lies now.  libdaxctl reads `resource` once, when it
// lists the device, and not again after a resize: read it from sysfs.
Range LiveRange(struct daxctl_dev* dev) {
  const std::string path = std::string("/sys/bus/dax/devices/") + daxctl_dev_get_devname(dev) + "/resource";
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  char buf[64] = {};
  const ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0) close(fd);
  const auto start = n > 0 ? ParseHex(std::string(buf, static_cast<size_t>(n))) : std::nullopt;
  return start ? Range::FromSize(*start, daxctl_dev_get_size(dev)) : Range{};
}

// The region's devices with a size (sorted by address) or without one (the
// seeds, sorted by id: the order they were made in).
std::vector<struct daxctl_dev*> SizedDevices(struct daxctl_region* region) {
  std::vector<struct daxctl_dev*> out;
  struct daxctl_dev* dev;
  daxctl_dev_foreach(region, dev) {
    if (daxctl_dev_get_size(dev) != 0) out.push_back(dev);
  }
  std::sort(out.begin(), out.end(), [](struct daxctl_dev* a, struct daxctl_dev* b) {
    return daxctl_dev_get_resource(a) < daxctl_dev_get_resource(b);
  });
  return out;
}

std::vector<struct daxctl_dev*> SeedDevices(struct daxctl_region* region) {
  std::vector<struct daxctl_dev*> out;
  struct daxctl_dev* dev;
  daxctl_dev_foreach(region, dev) {
    if (daxctl_dev_get_size(dev) == 0) out.push_back(dev);
  }
  std::sort(out.begin(), out.end(),
            [](struct daxctl_dev* a, struct daxctl_dev* b) { return daxctl_dev_get_id(a) < daxctl_dev_get_id(b); });
  return out;
}

}  // namespace

std::vector<RegionInfo> LibNvdimm::HmemRegions() {
  std::vector<RegionInfo> out;
  struct daxctl_ctx* dctx = Daxctl();
  if (dctx == nullptr) return out;
  struct daxctl_region* region;
  daxctl_region_foreach(dctx, region) {
    if (!IsHmem(region)) continue;
    RegionInfo info;
    info.name = daxctl_region_get_devname(region);
    info.carve = true;  // soft-reserved memory
    info.provider = "dax_hmem";
    info.bus_device = HmemDevice(region);
    // Where the region starts: a device of size 0 (the seed; all of them
    // in an idle region) reports the region start as its resource, and
    // sized devices lie inside it.
    u64 start = ~u64{0};
    struct daxctl_dev* dev;
    daxctl_dev_foreach(region, dev) {
      info.target_node = daxctl_dev_get_target_node(dev);
      start = std::min<u64>(start, daxctl_dev_get_resource(dev));
      if (daxctl_dev_get_size(dev) == 0) continue;
      DaxDeviceInfo d;
      d.devname = daxctl_dev_get_devname(dev);
      d.range = Range::FromSize(daxctl_dev_get_resource(dev), daxctl_dev_get_size(dev));
      d.driver = !daxctl_dev_is_enabled(dev)            ? ""
                 : daxctl_dev_get_memory(dev) != nullptr ? "kmem"
                                                         : "device_dax";
      info.devices.push_back(d);
    }
    std::sort(info.devices.begin(), info.devices.end(),
              [](const DaxDeviceInfo& a, const DaxDeviceInfo& b) { return a.range.start < b.range.start; });
    // unknown (no device at all, or one at 0): an empty range
    if (start != ~u64{0} && start != 0) info.range = Range::FromSize(start, daxctl_region_get_size(region));
    out.push_back(info);
  }
  return out;
}

bool LibNvdimm::ShapeHmem(const std::string& name, const std::vector<HmemDeviceSpec>& want,
                          std::vector<std::string>* devices, std::string* err) {
  devices->clear();
  struct daxctl_region* region = HmemRegion(name);
  if (region == nullptr) {
    *err = name + ": no such soft-reserved dax region";
    return false;
  }
  std::vector<struct daxctl_dev*> sized = SizedDevices(region);
  // What is there now, for the decision (plan.h: NextHmemShapeStep).
  std::vector<DaxDeviceInfo> now;
  for (struct daxctl_dev* d : sized) {
    now.push_back(DaxDeviceInfo{daxctl_dev_get_devname(d), LiveRange(d),
                                daxctl_dev_get_memory(d) != nullptr ? "kmem"
                                : daxctl_dev_is_enabled(d)         ? "device_dax"
                                                                   : ""});
  }
  struct daxctl_dev* first = daxctl_dev_get_first(region);
  HmemShapeStep next = NextHmemShapeStep(now, first != nullptr ? daxctl_dev_get_devname(first) : "", want);
  if (first == nullptr && next != HmemShapeStep::kShaped) next = HmemShapeStep::kRefuse;
  if (next == HmemShapeStep::kShaped) {  // an earlier run's: the kept devices must be in device_dax
    for (size_t i = 0; i < want.size(); ++i) {
      if (want[i].kept && !daxctl_dev_is_enabled(sized[i])) {
        const int rc = daxctl_dev_enable_devdax(sized[i]);
        if (rc < 0) {
          *err = std::string(daxctl_dev_get_devname(sized[i])) + ": device_dax: " + Errno(rc);
          return false;
        }
      }
      devices->push_back(daxctl_dev_get_devname(sized[i]));
    }
    return true;
  }
  if (next == HmemShapeStep::kRefuse) {
    *err = name + ": its dax devices are not as pmemreclaim splits them";
    return false;
  }
  // dax_hmem's own device (if sized: one over the whole region) unbound and
  // shrunk to 0, then as many devices of size 0 as `want` has, made at once
  // (the kernel allows several seeds), so that the devices are listed once.
  const std::string first_name = daxctl_dev_get_devname(first);
  int rc = daxctl_dev_is_enabled(first) ? daxctl_dev_disable(first) : 0;
  const char* step = "disable";
  if (rc >= 0 && !sized.empty()) step = "size 0", rc = daxctl_dev_set_size(first, 0);
  if (rc < 0) {
    *err = first_name + ": " + step + ": " + Errno(rc);
    return false;
  }
  std::vector<struct daxctl_dev*> seeds = SeedDevices(region);
  for (size_t n = seeds.size(); n < want.size(); ++n) {
    rc = daxctl_region_create_dev(region);
    if (rc < 0) {
      *err = name + ": create: " + Errno(rc);
      return false;
    }
  }
  if (seeds.size() < want.size()) {
    ForgetDaxctl();  // libdaxctl lists a region's devices once
    region = HmemRegion(name);
    seeds = region != nullptr ? SeedDevices(region) : std::vector<struct daxctl_dev*>{};
  }
  if (seeds.size() < want.size()) {
    *err = name + ": " + std::to_string(seeds.size()) + " devices of size 0 after create, " +
           std::to_string(want.size()) + " needed";
    return false;
  }
  for (size_t i = 0; i < want.size(); ++i) {
    struct daxctl_dev* dev = seeds[i];
    const std::string devname = daxctl_dev_get_devname(dev);
    std::string why;
    rc = 0;
    step = "align";
    if (want[i].align != 0 && daxctl_dev_get_align(dev) != want[i].align) rc = daxctl_dev_set_align(dev, want[i].align);
    if (rc >= 0) step = "size", rc = daxctl_dev_set_size(dev, want[i].range.size());
    if (rc < 0) {
      why = step + (": " + Errno(rc));
    } else if (LiveRange(dev) != want[i].range) {
      why = "placed at " + Describe(LiveRange(dev)) + ", not " + Describe(want[i].range);
    } else if (want[i].kept && (rc = daxctl_dev_enable_devdax(dev)) < 0) {
      why = "device_dax: " + Errno(rc);
    }
    if (!why.empty()) {
      *err = devname + ": " + why;
      // A sized device that no driver holds could be taken by kmem later:
      // its bytes go back to being in no device at all.
      if (!daxctl_dev_is_enabled(dev) && daxctl_dev_get_size(dev) != 0 && daxctl_dev_set_size(dev, 0) >= 0) {
        *err += "; " + devname + " shrunk back to 0";
      }
      return false;
    }
    devices->push_back(devname);
  }
  return true;
}

}  // namespace pmemreclaim
