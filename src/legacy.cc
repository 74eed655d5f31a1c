// SPDX-License-Identifier: GPL-2.0-or-later
#include "legacy.h"

#include "cmdline.h"
#include "force_raw.h"
#include "info_block.h"
#include "kmem.h"
#include "log.h"
#include "mark.h"
#include "nvdimm.h"
#include "outcome.h"
#include "platform.h"
#include "probe.h"

namespace pmemreclaim {

std::vector<std::string> LegacyStrategy::Modules(const std::string& machine) const {
  return {machine == "aarch64" ? "of_pmem" : "nd_e820", "nd_pmem", "dax_pmem", "device_dax", "kmem"};
}

bool LegacyStrategy::Prepare(SystemInterface& sys, NvdimmInterface& nvdimm, const Options& opts, Geometry* geometry,
                             std::string* err) const {
  if (!LoadLabelLessDrivers(sys, nvdimm, Modules(sys.Machine()), BootLookMayRun(opts), err)) return false;
  if (ReprobeMayRun(opts)) ProbeUnattachedCarves(sys, nvdimm);
  return ProbeFor(*this, sys, nvdimm, geometry, err);
}

Plan LegacyStrategy::MakePlan(const Geometry& geometry, u64 keep) const { return PlanLegacy(geometry, keep); }

bool LegacyStrategy::MakeSlicePlan(const Geometry& geometry, const std::vector<SliceSpec>& slices, Plan* plan,
                                   std::string* err) const {
  return PlanLegacySlices(geometry, slices, plan, err);
}

std::vector<RegionOutcome> LegacyStrategy::Apply(const Plan& plan, const KmemMode& mode, SystemInterface& sys,
                                                 NvdimmInterface& nvdimm) const {
  return ApplyRegions(plan, sys, [&](const CarvePlan& carve, const RegionPlan& r, AutoOnlineHold& policy,
                                     RegionOutcome* o) {
    if (r.action == RegionAction::kKeep) {
      const std::string kept = r.region.namespace_name.empty() ? r.region.name : r.region.namespace_name;
      // a named slice is the region itself (PlanLegacySlices): its namespace
      if (r.slices.empty()) o->kept_device = kept;
      o->slice_devices.assign(r.slices.size(), r.region.namespace_name);
    } else {
      // create or reuse: the devdax claims the region's whole (only) namespace
      OnlineDevdaxRegion(r, "", r.region.range, carve.kept, plan.block_size, mode, policy, sys, nvdimm, o);
    }
  });
}

void JudgeRawCarves(NvdimmInterface& nvdimm, std::vector<RegionInfo>* regions) {
  for (RegionInfo& r : *regions) {
    if (!r.carve || r.state != RegionState::kRaw || r.namespace_name.empty()) continue;
    if (r.unattached) {
      r.state = RegionState::kOther;
      r.holds = "a namespace without a driver: the kernel's probe refused it (an info block this kernel can't "
                "honour: another page size, alignment or data offset), or it was disabled by hand";
      continue;
    }
    // A carve laid out with labels (ramdax): an info block at its start is
    // the first labelled namespace's (a devdax from the carve's first byte
    // when nothing is kept).  Legacy leaves a labelled carve; ramdax judges
    // it by its labels.
    if (r.labels_at_end) continue;
    const auto start = nvdimm.ReadNamespace(r.namespace_name, 0, kInfoBlockArea);
    const InfoBlock found = start ? FindInfoBlock(*start) : InfoBlock::kUnreadable;
    if (found == InfoBlock::kUnreadable) {
      r.state = RegionState::kOther;
      r.holds = "a namespace whose first 8 KiB can't be read";
    } else if (found != InfoBlock::kNone) {
      r.state = RegionState::kOther;
      r.holds = std::string(InfoBlockName(found)) + " the kernel did not take (it attached the namespace raw: " +
                "a corrupt block, or one this kernel does not recognise)";
    }
  }
}

std::vector<RegionInfo> LegacyStrategy::Regions(SystemInterface& sys, NvdimmInterface& nvdimm) const {
  std::vector<RegionInfo> regions = nvdimm.LegacyRegions();
  FindCarves(sys, &regions);
  JudgeRawCarves(nvdimm, &regions);
  return regions;
}

bool MarkedCarveDevdax(SystemInterface& sys, const KmemDevice& d) {
  return !d.hmem && IsCarveDevice(sys, d.bus_device) && HasMark(d.uuid, MarkRole::kDevdax, d.namespace_range);
}

bool LegacyStrategy::Onlined(SystemInterface& sys, const KmemDevice& device) const {
  return MarkedCarveDevdax(sys, device);
}

bool ReadLabelLessCarves(SystemInterface& sys, NvdimmInterface& nvdimm, const Options& opts,
                         std::vector<RegionInfo>* regions, std::string* err) {
  const LegacyStrategy legacy;
  std::string why;
  if (!LoadLabelLessDrivers(sys, nvdimm, legacy.Modules(sys.Machine()), BootLookMayRun(opts), &why)) {
    *err = why + " (to look at the carves)";
    return false;
  }
  if (ReprobeMayRun(opts)) ProbeUnattachedCarves(sys, nvdimm);
  if (!nvdimm.Rescan(err)) return false;
  *regions = legacy.Regions(sys, nvdimm);
  return true;
}

std::string DeviceHoldings(const std::vector<RegionInfo>& regions, const std::string& device) {
  std::string out;
  for (const RegionInfo& r : regions) {
    if (r.bus_device != std::string(kPlatformDevicesRoot) + device) continue;
    if (!r.carve && !r.firmware_pmem) continue;
    std::string what;
    if (r.firmware_pmem) {
      what = "firmware persistent memory (not RAM carved out: the device can't move to ramdax without it)";
    } else if (r.state == RegionState::kDevdax) {
      what = HasMark(r.dax_uuid, MarkRole::kDevdax, r.range) ? "a devdax of pmemreclaim's legacy layout"
                                                             : "a devdax pmemreclaim did not make";
    } else if (r.state == RegionState::kOther) {
      what = r.holds.empty() ? "an fsdax, btt or other info block" : r.holds;
    }
    if (!what.empty()) out += (out.empty() ? "" : ", ") + r.name + " " + Describe(r.range) + " holds " + what;
  }
  return out;
}

}  // namespace pmemreclaim
