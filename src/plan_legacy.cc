// SPDX-License-Identifier: GPL-2.0-or-later
// The label-less planner (plan.h: PlanLegacy, LegacyLoss): one devdax per
// carve region outside the kept range, its data from the first dax
// alignment boundary after the info block.
#include <algorithm>

#include "carve_plan.h"
#include "mark.h"
#include "plan.h"

namespace pmemreclaim {
namespace {

RegionPlan PlanLegacyRegion(const RegionInfo& region, const Range& kept, u64 block_size, u64 dax_align,
                            u64 page_size) {
  RegionPlan p;
  p.region = region;
  p.dax_align = std::max(dax_align, kSubsection);
  p.device_align = page_size;
  const Range& r = region.range;
  if (!kept.empty() && kept.Contains(r)) {
    p.action = RegionAction::kKeep;
    p.reason = Reason::kKept;
    return p;
  }
  p.action = RegionAction::kLeave;
  Range planned = DevdaxData(r, p.dax_align);
  // What the region holds comes first: someone else's data is the reason to leave it.
  switch (region.state) {
    case RegionState::kOther:
      p.reason = Reason::kForeignInfoBlock;
      p.detail = region.holds.empty() ? "a namespace that is not plain pmem or devdax: btt or fsdax" : region.holds;
      return p;
    case RegionState::kDevdax:
      // Ours only with our mark; a devdax of the same shape made by ndctl is
      // not.  Ours: its data is where the kernel put it.
      if (!HasMark(region.dax_uuid, MarkRole::kDevdax, r) || region.dax_data.empty() || !r.Contains(region.dax_data)) {
        p.reason = Reason::kForeignInfoBlock;
        p.detail = "a devdax, uuid " + (region.dax_uuid.empty() ? "?" : region.dax_uuid) + ", data " +
                   Describe(region.dax_data);
        return p;
      }
      p.action = RegionAction::kReuseDevdax;
      planned = region.dax_data;
      break;
    case RegionState::kRaw:
      if (region.labels_at_end) {
        p.reason = Reason::kLabelArea;
        return p;
      }
      if (!IsAligned(r.start, kSubsection)) {
        p.reason = Reason::kUnaligned;
        p.detail = "start " + Hex(r.start);
        return p;
      }
      p.action = RegionAction::kCreateDevdax;
      break;
  }
  if (kept.Overlaps(r)) {
    p.action = RegionAction::kLeave;
    p.reason = Reason::kPartlyKept;
    p.detail = "the kept range ends at " + Hex(kept.end);
    return p;
  }
  if (region.target_node < 0) {
    p.action = RegionAction::kLeave;
    p.reason = Reason::kNoNumaNode;
    return p;
  }
  p.data = planned;
  p.online = AlignInward(planned, block_size);
  if (p.online.empty()) {
    p.action = RegionAction::kLeave;
    p.reason = Reason::kTooSmall;
    p.detail = HumanSize(block_size) + " memory blocks";
    p.online = {};
  }
  return p;
}

// Every region of every carve, the kept range at the lowest carve's start;
// with `advise`, a carve for the next boot where that loses less.
Plan PlanLegacyCarves(const Geometry& geometry, u64 keep, bool advise) {
  Plan plan;
  plan.strategy = Strategy::kLegacy;
  plan.block_size = geometry.block_size;
  const auto carves = GroupCarves(CarveRegions(geometry.regions));
  if (carves.empty()) return plan;
  const Range kept = KeptRange(carves.front(), keep);
  for (const auto& regions : carves) {
    std::vector<RegionPlan> planned;
    for (const RegionInfo& r : regions) {
      planned.push_back(PlanLegacyRegion(r, kept, geometry.block_size, geometry.dax_align, geometry.page_size));
    }
    CarvePlan c = TallyCarve(Range{regions.front().range.start, regions.back().range.end}, kept, std::move(planned));
    OfferAdvice(geometry, std::max(geometry.dax_align, kSubsection), advise ? AdviseLegacyCarve : nullptr, LegacyLoss,
                &c);
    plan.carves.push_back(std::move(c));
  }
  return plan;
}

}  // namespace

Plan PlanLegacy(const Geometry& geometry, u64 keep) { return PlanLegacyCarves(geometry, keep, /*advise=*/true); }

bool PlanLegacySlices(const Geometry& geometry, const std::vector<SliceSpec>& specs, Plan* plan, std::string* err) {
  *plan = Plan{};
  plan->strategy = Strategy::kLegacy;
  plan->block_size = geometry.block_size;
  const auto carves = GroupCarves(CarveRegions(geometry.regions));
  std::vector<Range> ranges;
  for (const auto& regions : carves) ranges.push_back(Range{regions.front().range.start, regions.back().range.end});
  std::vector<SliceSpec> laid_specs = specs;
  for (SliceSpec& s : laid_specs) s.align = std::max(s.align, kSubsection);  // a region for a devdax after it
  std::vector<Slice> laid;
  if (!LayoutSlices(ranges, laid_specs, 0, &laid, err)) return false;
  for (size_t i = 0; i < carves.size(); ++i) {
    std::vector<RegionPlan> planned;
    std::vector<Range> layout;  // the advice: a carve per slice, then the rest
    Range span;
    u64 held = 0;
    bool split = false;
    for (size_t k = 0; k < laid.size(); ++k) {
      if (laid[k].carve != i) continue;
      span = span.empty() ? laid[k].range : Range{span.start, laid[k].range.end};
      held += laid[k].range.size();
      layout.push_back(laid[k].range);
    }
    for (const RegionInfo& r : carves[i]) {
      std::vector<SlicePlan> in;
      for (size_t k = 0; k < laid.size(); ++k) {
        if (!laid[k].range.Overlaps(r.range)) continue;
        in.push_back(SlicePlan{laid[k].name, laid[k].range, specs[k].align, Range{}});
      }
      RegionPlan p = PlanLegacyRegion(r, in.empty() ? Range{} : r.range, geometry.block_size, geometry.dax_align,
                                      geometry.page_size);
      if (!in.empty() && (in.size() != 1 || in[0].range != r.range)) {
        p.action = RegionAction::kLeave;
        p.reason = Reason::kSliceSplit;
        p.detail = "slice " + in[0].name + " " + Describe(in[0].range) + (in.size() > 1 ? ", ..." : "");
        p.data = p.online = Range{};
        split = true;
      }
      p.slices = std::move(in);
      planned.push_back(std::move(p));
    }
    CarvePlan c = TallyCarve(ranges[i], span, std::move(planned), span.size() - held);
    if (split) {
      // the slices' layout as memmap= carves: one per slice, the rest one devdax carve as the advice has it
      const Range rest{AlignUp(span.end, kSubsection), ranges[i].end};
      std::vector<Range> tail = AdviseLegacyCarve(rest, 0, geometry.block_size, geometry.dax_align, {});
      if (tail.empty() && !rest.empty()) tail.push_back(rest);
      layout.insert(layout.end(), tail.begin(), tail.end());
      c.advice = std::move(layout);
    }
    FinishAdvice(geometry, &c);
    plan->carves.push_back(std::move(c));
  }
  return true;
}

u64 LegacyLoss(const std::vector<Range>& carves, u64 keep, u64 block_size, u64 align) {
  Geometry m;
  m.block_size = block_size;
  m.dax_align = align;
  for (size_t i = 0; i < carves.size(); ++i) {
    m.regions.push_back(RawRegion("region" + std::to_string(i), carves[i]));
  }
  u64 lost = 0;
  for (const CarvePlan& c : PlanLegacyCarves(m, keep, /*advise=*/false).carves) lost += c.lost;
  return lost;
}

}  // namespace pmemreclaim
