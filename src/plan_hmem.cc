// SPDX-License-Identifier: GPL-2.0-or-later
// The soft-reserved planner (plan.h: PlanHmem): dax_hmem devices, no info
// block.
#include <algorithm>

#include "carve_plan.h"
#include "plan.h"

namespace pmemreclaim {
namespace {

// What a soft-reserved region's dax devices say about it, against the
// split this plan wants (kept device, rest device): kNone when pmemreclaim
// may go on (nothing split yet, or its own split), else why it must not
// (the device in *detail).
Reason HmemDevicesState(const RegionInfo& r, const Range& keep_dev, const Range& rest_dev, bool* split_done,
                        std::string* detail) {
  *split_done = false;
  const std::vector<DaxDeviceInfo>& d = r.devices;
  if (d.empty()) return Reason::kNone;  // idle (dax_hmem region_idle): no device yet
  for (const DaxDeviceInfo& dev : d) {
    if (dev.driver == "kmem" && dev.range.Overlaps(keep_dev)) {
      *detail = dev.devname + " " + Describe(dev.range);
      return Reason::kKmemHoldsKept;
    }
  }
  std::vector<Range> want;
  if (!keep_dev.empty()) want.push_back(keep_dev);
  if (!rest_dev.empty()) want.push_back(rest_dev);
  bool same = d.size() == want.size();
  for (size_t i = 0; same && i < d.size(); ++i) same = d[i].range == want[i];
  if (same) {
    *split_done = true;
    return Reason::kNone;
  }
  // One device over the whole region, as dax_hmem makes it without region_idle.
  if (d.size() == 1 && d[0].range == r.range && d[0].driver != "kmem") return Reason::kNone;
  *detail = d.front().devname + " " + Describe(d.front().range) + (d.size() > 1 ? ", ..." : "");
  return Reason::kForeignDaxDevices;
}

}  // namespace

Plan PlanHmem(const Geometry& geometry, u64 keep) {
  Plan plan;
  plan.strategy = Strategy::kHmem;
  plan.block_size = geometry.block_size;
  const std::vector<RegionInfo> regions = CarveRegions(geometry.regions);
  const Range kept = KeptRange(regions, keep);
  const u64 b = geometry.block_size;
  for (const RegionInfo& r : regions) {
    const Range kept_here = kept.Intersect(r.range);
    RegionPlan p;
    p.region = r;
    p.dax_align = kSubsection;  // dax_hmem devices are multiples of 2 MiB
    p.device_align = kSubsection;
    const Range usable{r.range.start, r.range.start + AlignDown(r.range.size(), kSubsection)};
    u64 kept_end = kept_here.empty() ? r.range.start : AlignUp(kept_here.end, kSubsection);
    if (!IsAligned(r.range.start, kSubsection)) {
      p.action = RegionAction::kLeave;
      p.reason = Reason::kUnaligned;
      p.detail = "start " + Hex(r.range.start);
    } else {
      // Rounding the kept device up to the next block costs nothing: kmem
      // would not online those bytes anyway.  The kept device always
      // exists when something is kept, bound to device_dax, so that kmem
      // (loaded later, e.g. by udev) can never take the kept bytes.
      if (!kept_here.empty()) kept_end = std::min(std::max(kept_end, AlignUp(kept_end, b)), usable.end);
      p.keep_extent = Range{r.range.start, kept_end};
      p.dax_extent = Range{kept_end, usable.end};
      p.data = p.dax_extent;
      p.online = AlignInward(p.data, b);
      if (p.online.empty()) p.dax_extent = p.data = Range{};
      if (kept_here.empty() && p.online.empty()) {
        p.action = RegionAction::kLeave;
        p.reason = Reason::kTooSmall;
        p.detail = HumanSize(b) + " memory blocks";
        p.keep_extent = Range{};
      } else {
        bool split_done = false;
        p.reason = HmemDevicesState(r, p.keep_extent, p.dax_extent, &split_done, &p.detail);
        if (p.reason != Reason::kNone) {
          p.action = RegionAction::kLeave;
          p.keep_extent = p.dax_extent = p.data = p.online = Range{};
        } else if (p.online.empty()) {
          p.action = RegionAction::kKeep;
          // the kept range covers the whole carve, or too little is left after it for a memory block
          p.reason = kept_here.end >= usable.end ? Reason::kKept : Reason::kTooSmall;
          if (p.reason == Reason::kTooSmall) p.detail = "after the kept range";
        } else {
          p.action = split_done ? RegionAction::kReuseDevdax : RegionAction::kCreateDevdax;
        }
      }
    }
    plan.carves.push_back(TallyCarve(r.range, kept, {p}));
  }
  return plan;
}

HmemShapeStep NextHmemShapeStep(const std::vector<DaxDeviceInfo>& devices, const std::string& first, const Range& keep,
                                const Range& rest) {
  std::vector<Range> want;
  if (!keep.empty()) want.push_back(keep);
  if (!rest.empty()) want.push_back(rest);
  bool shaped = devices.size() == want.size();
  for (size_t i = 0; shaped && i < devices.size(); ++i) shaped = devices[i].range == want[i];
  if (shaped) return HmemShapeStep::kShaped;
  if (devices.empty()) return HmemShapeStep::kSplit;  // idle (dax_hmem region_idle)
  const bool whole = devices.size() == 1 && devices[0].devname == first && devices[0].driver != "kmem";
  return whole ? HmemShapeStep::kSplit : HmemShapeStep::kRefuse;
}

}  // namespace pmemreclaim
