// SPDX-License-Identifier: GPL-2.0-or-later
#include "kmem.h"

#include "log.h"
#include "mark.h"
#include "report.h"

namespace pmemreclaim {

void FinishOnlining(const RegionPlan& r, const std::string& what, const Range& kept, u64 block_size, Zone zone,
                    const std::string& daxctl_err, SystemInterface& sys, RegionOutcome* o) {
  const std::vector<BlockState> blocks = OnlineBlocks(sys, r.online, block_size, zone);
  size_t added = 0, online = 0;
  for (const BlockState& b : blocks) {
    added += b.added ? 1 : 0;
    online += b.online ? 1 : 0;
  }
  const std::string head = r.region.name + " " + Describe(r.region.range) + ": " + what;
  o->blocks_onlined = static_cast<int>(online);
  for (const BlockState& b : blocks) {
    if (!b.online) o->blocks_offline.push_back(OfflineBlock{b.index, b.error});
  }
  o->ok = online == blocks.size();
  if (!daxctl_err.empty() && added == 0) {
    o->ok = false;
    o->message = head + ", but onlining failed (" + daxctl_err + ")";
  } else if (o->ok) {
    o->message = head + ", onlined " + std::to_string(online) + " blocks (" + ZoneName(zone) + ")" +
                 (daxctl_err.empty() ? "" : "; libdaxctl said: " + daxctl_err);
  } else {
    o->message = head + ", " + BlocksLine(blocks, block_size) +
                 (kept.empty() ? "" : "; kept range " + Describe(kept) + " not touched");
  }
}

void SayMemmapRefused(const std::string& what, const KmemResult& kmem) {
  if (kmem.memmap_refused.empty()) return;
  LogWarning(what + ": the kernel refused memmap_on_memory (" + kmem.memmap_refused +
             "): the memory map of its blocks comes from the RAM already online");
}

void OnlineDevdaxRegion(const RegionPlan& r, const std::string& ns, const Range& claimed, const Range& kept,
                        u64 block_size, const KmemMode& mode, AutoOnlineHold& policy, SystemInterface& sys,
                        NvdimmInterface& nvdimm, RegionOutcome* o) {
  std::string err;
  if (r.action == RegionAction::kCreateDevdax) {
    Range data;
    if (!nvdimm.CreateDevdax(r.region.name, ns, r.device_align, MarkUuid(MarkRole::kDevdax, claimed), &data, &err)) {
      o->ok = false;
      o->message = r.region.name + ": could not create devdax (" + err + "); region left as it was";
      return;
    }
    if (data != r.data) {
      LogWarning(r.region.name + ": devdax data at " + Describe(data) + ", planned " + Describe(r.data));
    }
  }
  policy.Hold();
  KmemResult kmem;
  if (nvdimm.OnlineDevdax(r.region.name, ns, mode, &kmem, &err)) err.clear();
  SayMemmapRefused(r.region.name, kmem);
  FinishOnlining(r, r.action == RegionAction::kReuseDevdax ? "reused devdax" : "created devdax", kept, block_size,
                 mode.zone, err, sys, o);
}

std::vector<RegionOutcome> ApplyRegions(const Plan& plan, SystemInterface& sys, const RegionStep& step) {
  std::vector<RegionOutcome> out;
  AutoOnlineHold policy(sys);
  for (const CarvePlan& carve : plan.carves) {
    for (const RegionPlan& r : carve.regions) {
      RegionOutcome o = StartOutcome(r);
      if (r.action != RegionAction::kLeave) step(carve, r, policy, &o);
      out.push_back(o);
    }
  }
  return out;
}

RegionOutcome StartOutcome(const RegionPlan& r) {
  RegionOutcome o;
  o.region = r.region.name;
  o.action = r.action;
  const std::string head = r.region.name + " " + Describe(r.region.range) + ": ";
  if (r.action == RegionAction::kKeep) o.message = head + "kept, untouched";
  if (r.action == RegionAction::kLeave) o.message = head + "left untouched: " + Why(r);
  o.slice_devices.resize(r.slices.size());
  if (r.action == RegionAction::kLeave && !r.slices.empty()) {
    // what was asked for is not there: each of these slices has no device
    o.ok = false;
    o.message += "; no device for slice " + r.slices.front().name + (r.slices.size() > 1 ? " and the others in it" : "");
  }
  return o;
}

}  // namespace pmemreclaim
