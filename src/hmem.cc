// SPDX-License-Identifier: GPL-2.0-or-later
#include "hmem.h"

#include "handoff.h"

#include "cmdline.h"
#include "iomem.h"
#include "kmem.h"
#include "legacy.h"
#include "log.h"
#include "nvdimm.h"
#include "outcome.h"
#include "probe.h"

namespace pmemreclaim {

bool HasSoftReserved(SystemInterface& sys) {
  return sys.Exists("/sys/bus/platform/devices/hmem.0") || sys.Exists("/sys/bus/platform/devices/hmem_platform.0");
}

std::vector<std::string> HmemStrategy::Modules(const std::string& /*machine*/) const {
  // kmem last: loaded only once the kept device is bound to device_dax.
  return {"dax_hmem region_idle=1", "device_dax", "kmem"};
}

bool HmemStrategy::Prepare(SystemInterface& sys, NvdimmInterface& nvdimm, const Options& /*opts*/, Geometry* geometry,
                           std::string* err) const {
  if (sys.Machine() != "x86_64") {
    *err = "strategy hmem is for x86 soft-reserved memory";
    return false;
  }
  const auto idle = sys.ReadFile("/sys/module/dax_hmem/parameters/region_idle");
  if (sys.Exists("/sys/module/dax_hmem") && !(idle && idle->rfind("Y", 0) == 0)) {
    LogWarning("dax_hmem was loaded before pmemreclaim (without region_idle): its regions may already have a "
               "device over the whole carve" +
               std::string(sys.Exists("/sys/module/kmem") ? ", which kmem may have onlined" : ""));
  }
  std::vector<std::string> modules = Modules(sys.Machine());
  modules.pop_back();  // kmem: see Apply
  if (!LoadModules(sys, modules, err)) return false;
  if (!ProbeFor(*this, sys, nvdimm, geometry, err)) return false;
  for (const Range& code : KernelCodeRanges(ReadIomem(sys))) {
    for (const RegionInfo& r : geometry->regions) {
      if (code.Overlaps(r.range)) {
        LogWarning("the kernel's code " + Describe(code) + " lies in the soft-reserved carve " + Describe(r.range) +
                   " (physical KASLR does not know memmap=%): boot with nokaslr");
      }
    }
  }
  return true;
}

Plan HmemStrategy::MakePlan(const Geometry& geometry, u64 keep) const { return PlanHmem(geometry, keep); }

bool HmemStrategy::MakeSlicePlan(const Geometry& geometry, const std::vector<SliceSpec>& slices, Plan* plan,
                                 std::string* err) const {
  return PlanHmemSlices(geometry, slices, plan, err);
}

std::vector<RegionOutcome> HmemStrategy::Apply(const Plan& plan, const KmemMode& mode, SystemInterface& sys,
                                               NvdimmInterface& nvdimm) const {
  std::vector<RegionOutcome> out;
  AutoOnlineHold policy(sys);
  policy.Hold();
  struct Rest {
    const RegionPlan* region;
    Range kept;
    std::string dev;  // the device for kmem
    size_t outcome;   // its index in out
  };
  std::vector<Rest> rests;
  std::string err;
  for (const CarvePlan& c : plan.carves) {
    for (const RegionPlan& r : c.regions) {
      RegionOutcome o = StartOutcome(r);
      o.slice_devices.resize(r.slices.size());
      const std::vector<HmemDeviceSpec> want = HmemDevicesOf(r);
      std::vector<std::string> devices;
      const std::string head = r.region.name + " " + Describe(r.region.range) + ": ";
      const std::string kept = r.slices.empty() ? "kept device " + Describe(r.keep_extent)
                                                : std::to_string(r.slices.size()) + " slice devices in " +
                                                      Describe(r.keep_extent);
      if (r.action == RegionAction::kLeave) {
        // nothing
      } else if (!nvdimm.ShapeHmem(r.region.name, want, &devices, &err)) {
        o.ok = false;
        o.message = head + "could not split (" + err + "); nothing onlined";
      } else {
        const std::string rest = r.dax_extent.empty() ? "" : devices.back();
        if (r.slices.empty() && !r.keep_extent.empty()) o.kept_device = devices.front();
        for (size_t i = 0, s = 0; i < want.size() && s < r.slices.size(); ++i) {
          if (want[i].range == r.slices[s].range) o.slice_devices[s++] = devices[i];
        }
        if (r.action == RegionAction::kKeep) {
          o.message = head + kept + " (device_dax), nothing to online: " + Why(r);
        } else {
          rests.push_back(Rest{&r, c.kept, rest, out.size()});
          o.message = head + (r.keep_extent.empty() ? "" : kept + ", ") + "the rest is " + rest +
                      (r.action == RegionAction::kReuseDevdax ? " (split earlier)" : "");
          LogInfo(o.message);
        }
      }
      out.push_back(o);
    }
  }
  if (!rests.empty() && !sys.LoadModule("kmem", &err)) {
    LogError("cannot load kernel module kmem: " + err + "; split but nothing onlined");
    for (const Rest& rest : rests) {
      out[rest.outcome].ok = false;
      out[rest.outcome].message += "; cannot load kernel module kmem (" + err + "): split but nothing onlined";
    }
    rests.clear();
  }
  for (const Rest& rest : rests) {
    out[rest.outcome].online_device = rest.dev;
    KmemResult kmem;
    if (nvdimm.OnlineDaxDevice(rest.dev, mode, &kmem, &err)) err.clear();
    SayMemmapRefused(rest.dev, kmem);
    FinishOnlining(*rest.region, rest.dev, rest.kept, plan.block_size, mode.zone, err, sys, &out[rest.outcome]);
  }
  return out;
}

std::vector<RegionInfo> HmemStrategy::Regions(SystemInterface& /*sys*/, NvdimmInterface& nvdimm) const {
  std::vector<RegionInfo> out;
  for (RegionInfo& r : nvdimm.HmemRegions()) {
    if (r.range.empty()) {
      LogWarning(r.name + ": cannot tell where soft-reserved region " + r.bus_device + " lies; left alone");
      continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

bool HmemStrategy::Onlined(SystemInterface& sys, const KmemDevice& device) const {
  // Soft-reserved memory the OS onlined itself (EFI_MEMORY_SP, CXL: Linux
  // >= 6.3 does by default) is not pmemreclaim's: only what the record of
  // this boot (or of the last apply) says it gave to kmem.
  if (!device.hmem) return false;
  const auto record = sys.ReadFile(kStatePath);
  if (!record) return false;
  for (const std::string& d : OnlineDevicesInRecord(*record)) {
    if (d == device.devname) return true;
  }
  return false;
}

}  // namespace pmemreclaim
