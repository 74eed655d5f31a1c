// SPDX-License-Identifier: GPL-2.0-or-later
// The soft-reserved planner (plan.h: PlanHmem): dax_hmem devices, no info
// block.
#include <algorithm>

#include "carve_plan.h"
#include "plan.h"

namespace pmemreclaim {
namespace {

// The devices are exactly the ranges wanted, in order.
bool SameRanges(const std::vector<DaxDeviceInfo>& devices, const std::vector<HmemDeviceSpec>& want) {
  bool same = devices.size() == want.size();
  for (size_t i = 0; same && i < devices.size(); ++i) same = devices[i].range == want[i].range;
  return same;
}

// What a soft-reserved region's dax devices say about it, against the
// devices this plan wants: kNone when pmemreclaim may go on (nothing split
// yet, or its own split), else why it must not (the device in *detail).
Reason HmemDevicesState(const RegionInfo& r, const Range& kept, const std::vector<HmemDeviceSpec>& want, bool* split_done,
                        std::string* detail) {
  *split_done = false;
  const std::vector<DaxDeviceInfo>& d = r.devices;
  if (d.empty()) return Reason::kNone;  // idle (dax_hmem region_idle): no device yet
  for (const DaxDeviceInfo& dev : d) {
    if (dev.driver == "kmem" && dev.range.Overlaps(kept)) {
      *detail = dev.devname + " " + Describe(dev.range);
      return Reason::kKmemHoldsKept;
    }
  }
  if (SameRanges(d, want)) {
    *split_done = true;
    return Reason::kNone;
  }
  // One device over the whole region, as dax_hmem makes it without region_idle.
  if (d.size() == 1 && d[0].range == r.range && d[0].driver != "kmem") return Reason::kNone;
  *detail = d.front().devname + " " + Describe(d.front().range) + (d.size() > 1 ? ", ..." : "");
  return Reason::kForeignDaxDevices;
}

// The bytes of region `r` a memory block size `b` apart that dax_hmem can
// give a device: its size in 2 MiB units.
Range HmemUsable(const RegionInfo& r) { return Range{r.range.start, r.range.start + AlignDown(r.range.size(), kSubsection)}; }

// Region `r` with its first `kept_end - start` bytes kept (in one device,
// or in `slices` and the gaps between them) and the rest one device for
// kmem; kept bytes up to the region's end make it kKept, not kTooSmall,
// when nothing is onlined.
RegionPlan PlanHmemRegion(const RegionInfo& r, u64 b, u64 kept_end, std::vector<SlicePlan> slices) {
  RegionPlan p;
  p.region = r;
  p.dax_align = kSubsection;  // dax_hmem devices are multiples of 2 MiB
  p.device_align = kSubsection;
  p.slices = std::move(slices);
  const Range usable = HmemUsable(r);
  if (!IsAligned(r.range.start, kSubsection)) {
    p.action = RegionAction::kLeave;
    p.reason = Reason::kUnaligned;
    p.detail = "start " + Hex(r.range.start);
    return p;
  }
  p.keep_extent = Range{r.range.start, kept_end};
  p.dax_extent = Range{kept_end, usable.end};
  p.data = p.dax_extent;
  p.online = AlignInward(p.data, b);
  if (p.online.empty()) p.dax_extent = p.data = Range{};
  if (p.keep_extent.empty() && p.online.empty()) {
    p.action = RegionAction::kLeave;
    p.reason = Reason::kTooSmall;
    p.detail = HumanSize(b) + " memory blocks";
    p.keep_extent = Range{};
    return p;
  }
  bool split_done = false;
  p.reason = HmemDevicesState(r, p.keep_extent, HmemDevicesOf(p), &split_done, &p.detail);
  if (p.reason != Reason::kNone) {
    p.action = RegionAction::kLeave;
    p.keep_extent = p.dax_extent = p.data = p.online = Range{};
  } else if (p.online.empty()) {
    p.action = RegionAction::kKeep;
    // the kept range covers the whole carve, or too little is left after it for a memory block
    p.reason = kept_end >= usable.end ? Reason::kKept : Reason::kTooSmall;
    if (p.reason == Reason::kTooSmall) p.detail = "after the kept range";
  } else {
    p.action = split_done ? RegionAction::kReuseDevdax : RegionAction::kCreateDevdax;
  }
  return p;
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
    // Rounding the kept device up to the next block costs nothing: kmem
    // would not online those bytes anyway.  The kept device always exists
    // when something is kept, bound to device_dax, so that kmem (loaded
    // later, e.g. by udev) can never take the kept bytes.
    const u64 kept_end = kept_here.empty()
                             ? r.range.start
                             : std::min(AlignUp(AlignUp(kept_here.end, kSubsection), b), HmemUsable(r).end);
    plan.carves.push_back(TallyCarve(r.range, kept, {PlanHmemRegion(r, b, kept_end, {})}));
  }
  return plan;
}

bool PlanHmemSlices(const Geometry& geometry, const std::vector<SliceSpec>& specs, Plan* plan, std::string* err) {
  *plan = Plan{};
  plan->strategy = Strategy::kHmem;
  plan->block_size = geometry.block_size;
  const std::vector<RegionInfo> regions = CarveRegions(geometry.regions);
  std::vector<Range> usable;
  for (const RegionInfo& r : regions) usable.push_back(HmemUsable(r));
  std::vector<SliceSpec> laid_specs = specs;
  for (SliceSpec& s : laid_specs) {
    // a dax device's align: a page (4K) or a page-table level x86 maps (2M, 1G)
    if (s.align != 4 * kKiB && s.align != 2 * kMiB && s.align != kGiB) {
      *err = "slice " + s.name + ": a soft-reserved dax device can't have align " + HumanSize(s.align) +
             " on x86 (4K, 2M or 1G)";
      return false;
    }
    s.align = std::max(s.align, kSubsection);  // dax_hmem devices start on 2 MiB
  }
  std::vector<Slice> laid;
  if (!LayoutSlices(usable, laid_specs, 0, &laid, err)) return false;
  for (size_t i = 0; i < regions.size(); ++i) {
    std::vector<SlicePlan> here;
    u64 held = 0;
    for (size_t k = 0; k < laid.size(); ++k) {
      if (laid[k].carve != i) continue;
      here.push_back(SlicePlan{laid[k].name, laid[k].range, specs[k].align, Range{}});
      held += laid[k].range.size();
    }
    const RegionInfo& r = regions[i];
    const u64 kept_end = here.empty() ? r.range.start : here.back().range.end;
    const Range kept{r.range.start, kept_end};  // the slices and the gaps before them
    plan->carves.push_back(TallyCarve(r.range, kept, {PlanHmemRegion(r, geometry.block_size, kept_end, here)},
                                      kept.size() - held));
  }
  return true;
}

std::vector<HmemDeviceSpec> HmemDevicesOf(const RegionPlan& p) {
  std::vector<HmemDeviceSpec> out;
  if (p.slices.empty()) {
    if (!p.keep_extent.empty()) out.push_back(HmemDeviceSpec{p.keep_extent, 0, true});
  } else if (!p.keep_extent.empty()) {
    u64 at = p.keep_extent.start;
    for (const SlicePlan& s : p.slices) {
      if (s.range.start > at) out.push_back(HmemDeviceSpec{Range{at, s.range.start}, 0, true});  // an alignment gap
      out.push_back(HmemDeviceSpec{s.range, s.align, true});
      at = s.range.end;
    }
  }
  if (!p.dax_extent.empty()) out.push_back(HmemDeviceSpec{p.dax_extent, 0, false});
  return out;
}

HmemShapeStep NextHmemShapeStep(const std::vector<DaxDeviceInfo>& devices, const std::string& first,
                                const std::vector<HmemDeviceSpec>& want) {
  if (SameRanges(devices, want)) return HmemShapeStep::kShaped;
  if (devices.empty()) return HmemShapeStep::kSplit;  // idle (dax_hmem region_idle)
  const bool whole = devices.size() == 1 && devices[0].devname == first && devices[0].driver != "kmem";
  return whole ? HmemShapeStep::kSplit : HmemShapeStep::kRefuse;
}

}  // namespace pmemreclaim
