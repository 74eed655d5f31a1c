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

bool LibNvdimm::ShapeHmem(const std::string& name, const Range& keep, const Range& rest, std::string* keep_dev,
                          std::string* rest_dev, std::string* err) {
  struct daxctl_region* region = HmemRegion(name);
  if (region == nullptr) {
    *err = name + ": no such soft-reserved dax region";
    return false;
  }
  std::vector<struct daxctl_dev*> sized;
  struct daxctl_dev* dev;
  daxctl_dev_foreach(region, dev) {
    if (daxctl_dev_get_size(dev) != 0) sized.push_back(dev);
  }
  std::sort(sized.begin(), sized.end(), [](struct daxctl_dev* a, struct daxctl_dev* b) {
    return daxctl_dev_get_resource(a) < daxctl_dev_get_resource(b);
  });
  auto at = [](struct daxctl_dev* d) { return LiveRange(d); };
  // What is there now, for the decision (plan.h: NextHmemShapeStep).
  std::vector<DaxDeviceInfo> now;
  for (struct daxctl_dev* d : sized) {
    now.push_back(DaxDeviceInfo{daxctl_dev_get_devname(d), at(d),
                                daxctl_dev_get_memory(d) != nullptr ? "kmem"
                                : daxctl_dev_is_enabled(d)         ? "device_dax"
                                                                   : ""});
  }
  struct daxctl_dev* first = daxctl_dev_get_first(region);
  HmemShapeStep next = NextHmemShapeStep(now, first != nullptr ? daxctl_dev_get_devname(first) : "", keep, rest);
  if (first == nullptr) next = next == HmemShapeStep::kShaped ? next : HmemShapeStep::kRefuse;
  if (next == HmemShapeStep::kShaped) {  // an earlier run's: the kept device must be in device_dax
    if (!keep.empty() && !daxctl_dev_is_enabled(sized[0])) {
      const int rc = daxctl_dev_enable_devdax(sized[0]);
      if (rc < 0) {
        *err = std::string(daxctl_dev_get_devname(sized[0])) + ": device_dax: " + Errno(rc);
        return false;
      }
    }
    if (!keep.empty()) *keep_dev = daxctl_dev_get_devname(sized[0]);
    if (!rest.empty()) *rest_dev = daxctl_dev_get_devname(sized.back());
    return true;
  }
  if (next == HmemShapeStep::kRefuse) {
    *err = name + ": its dax devices are not as pmemreclaim splits them";
    return false;
  }
  const bool idle = sized.empty();
  const std::string first_name = daxctl_dev_get_devname(first);
  if (!keep.empty()) *keep_dev = first_name;
  const char* step = "disable";
  int rc = daxctl_dev_is_enabled(first) ? daxctl_dev_disable(first) : 0;
  if (rc >= 0 && !idle) step = "size 0", rc = daxctl_dev_set_size(first, 0);
  const Range& first_range = keep.empty() ? rest : keep;
  if (rc >= 0) step = "size", rc = daxctl_dev_set_size(first, first_range.size());
  if (rc >= 0 && at(first) != first_range) {
    *err = first_name + ": placed at " + Describe(at(first)) + ", not " + Describe(first_range);
    return false;
  }
  if (rc >= 0 && !keep.empty()) step = "device_dax", rc = daxctl_dev_enable_devdax(first);
  if (rc < 0) {
    *err = first_name + ": " + step + ": " + Errno(rc);
    // A sized device that no driver holds could be taken by kmem later:
    // the kept bytes go back to being in no device at all.
    if (!daxctl_dev_is_enabled(first) && daxctl_dev_get_size(first) != 0 && daxctl_dev_set_size(first, 0) >= 0) {
      *err += "; " + first_name + " shrunk back to 0";
    }
    return false;
  }
  if (keep.empty()) {
    *rest_dev = first_name;
    return true;
  }
  if (rest.empty()) return true;
  rc = daxctl_region_create_dev(region);
  if (rc < 0) {
    *err = name + ": create: " + Errno(rc);
    return false;
  }
  // libdaxctl caches the device list: look at the new seed from a fresh context.
  ForgetDaxctl();
  region = HmemRegion(name);
  struct daxctl_dev* seed = region != nullptr ? daxctl_region_get_dev_seed(region) : nullptr;
  if (seed == nullptr) {
    *err = name + ": no seed device after create";
    return false;
  }
  rc = daxctl_dev_set_size(seed, rest.size());
  if (rc < 0 || at(seed) != rest) {
    *err = std::string(daxctl_dev_get_devname(seed)) + ": size: " +
           (rc < 0 ? Errno(rc) : "placed at " + Describe(at(seed)) + ", not " + Describe(rest));
    return false;
  }
  *rest_dev = daxctl_dev_get_devname(seed);
  return true;
}

}  // namespace pmemreclaim
