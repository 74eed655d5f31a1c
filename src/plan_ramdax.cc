// SPDX-License-Identifier: GPL-2.0-or-later
// The end-labeled planner (plan.h: PlanRamdax, RamdaxLoss): per carve a raw
// namespace over the kept bytes and a devdax namespace after it, both in the
// label area at the carve's end.
#include <algorithm>

#include "carve_plan.h"
#include "mark.h"
#include "plan.h"

namespace pmemreclaim {
namespace {

// A namespace is ours when it has one of our names and the uuid derived
// from its role and place.
bool IsOurs(const NamespaceInfo& ns) {
  return (ns.alt_name == kKeepNamespaceName && HasMark(ns.uuid, MarkRole::kKeepNamespace, ns.range)) ||
         (ns.alt_name == kDaxNamespaceName && HasMark(ns.uuid, MarkRole::kDaxNamespace, ns.range));
}

RegionPlan PlanRamdaxRegion(const RegionInfo& region, const Range& kept, u64 block_size, u64 dax_align,
                            u64 page_size) {
  RegionPlan p;
  p.region = region;
  p.action = RegionAction::kLeave;
  // Namespaces are laid out at 2 MiB (the region align written); the data
  // starts on the kernel's dax alignment after the info block.
  const u64 a = kSubsection;
  const u64 data_align = std::max(dax_align, kSubsection);
  p.dax_align = a;
  p.device_align = page_size;
  const Range& mapping = region.range;
  const Range carve{mapping.start, mapping.end + kLabelAreaSize};
  const Range labels{mapping.end, carve.end};
  const Range kept_here = kept.Intersect(carve);
  if (kept.Overlaps(labels)) {
    p.reason = Reason::kKeptInLabelArea;
    return p;
  }
  if (!IsAligned(mapping.start, a)) {
    p.reason = Reason::kUnaligned;
    p.detail = "start " + Hex(mapping.start);
    return p;
  }
  // The layout: [keep namespace][devdax namespace], both multiples of `a`.
  const u64 usable = AlignDown(mapping.size(), a);
  const u64 keep_size = kept_here.empty() ? 0 : AlignUp(kept_here.end - mapping.start, a);
  if (keep_size > usable) {
    p.reason = Reason::kPartlyKept;
    p.detail = "the kept range ends in the region's last " + HumanSize(mapping.size() - usable) +
               ", which no namespace can cover";
    return p;
  }
  const Range keep_ns = Range::FromSize(mapping.start, keep_size);
  Range dax_ns{mapping.start + keep_size, mapping.start + usable};
  Range data = DevdaxData(dax_ns, data_align);
  Range online = AlignInward(data, block_size);
  if (online.empty() || region.target_node < 0) {
    dax_ns = data = online = Range{};
  }

  // What the label area holds already.
  const NamespaceInfo* keep_found = nullptr;
  const NamespaceInfo* dax_found = nullptr;
  for (const NamespaceInfo& ns : region.namespaces) {
    if (!IsOurs(ns)) {
      p.reason = Reason::kForeignNamespace;
      p.detail = ns.devname + " \"" + ns.alt_name + "\", uuid " + ns.uuid + ", " + Describe(ns.range);
      return p;
    }
    (ns.alt_name == kKeepNamespaceName ? keep_found : dax_found) = &ns;
  }
  bool have_any = keep_found != nullptr || dax_found != nullptr;
  std::string relaid;
  if (have_any) {
    // A layout left half-built (the kept namespace made, the devdax one not
    // yet) is completed: what is there must be where this plan puts it.
    const bool keep_matches = keep_ns.empty() ? keep_found == nullptr
                                              : keep_found != nullptr && keep_found->range == keep_ns;
    const bool dax_matches = dax_found == nullptr || dax_found->range == dax_ns;
    if (!keep_matches || !dax_matches) {
      // An earlier boot's layout for another keep: laid out again.  Its
      // namespaces go (labels only), the new ones are made; the bytes both
      // kept ranges share are never written, and no new info block lands in
      // the new kept range (the devdax namespace starts after it).
      if (dax_found != nullptr && dax_found->devdax && !HasMark(dax_found->dax_uuid, MarkRole::kDevdax, dax_found->range)) {
        p.reason = Reason::kForeignInfoBlock;
        p.detail = "a devdax, data " + Describe(dax_found->dax_data);
        return p;
      }
      const Range old_keep = keep_found != nullptr ? keep_found->range : Range::FromSize(mapping.start, 0);
      if (dax_found != nullptr) p.delete_first.push_back(dax_found->devname);
      if (keep_found != nullptr) p.delete_first.push_back(keep_found->devname);
      relaid = "an earlier boot kept " + HumanSize(old_keep.size()) + ", this boot keeps " +
               HumanSize(keep_ns.size()) + ", the first " + HumanSize(std::min(old_keep.size(), keep_ns.size())) +
               " untouched";
      keep_found = dax_found = nullptr;
      have_any = false;
    }
    if (dax_found != nullptr && dax_found->devdax) {
      if (!HasMark(dax_found->dax_uuid, MarkRole::kDevdax, dax_ns) || !dax_ns.Contains(dax_found->dax_data) ||
          dax_found->dax_data.empty()) {
        p.reason = Reason::kForeignInfoBlock;
        p.detail = "a devdax, data " + Describe(dax_found->dax_data);
        return p;
      }
      data = dax_found->dax_data;  // ours: where the kernel put it
      online = AlignInward(data, block_size);
    }
  }
  p.keep_extent = keep_ns;
  p.dax_extent = dax_ns;
  p.data = data;
  p.online = online;
  p.init_labels = !region.labels_valid;
  if (!relaid.empty()) {
    p.reason = Reason::kLaidOutAgain;
    p.detail = relaid;
  }
  if (dax_ns.empty()) {
    if (keep_ns.empty()) {
      p.reason = region.target_node < 0 ? Reason::kNoNumaNode : Reason::kTooSmall;
      p.detail = region.target_node < 0 ? "" : HumanSize(block_size) + " memory blocks";
      p.keep_extent = p.dax_extent = Range{};
      p.init_labels = false;
      return p;
    }
    p.action = RegionAction::kKeep;
    if (relaid.empty()) {
      p.reason = Reason::kKept;
      p.detail = have_any ? "its namespace of an earlier boot" : "as its own namespace";
    }
    return p;
  }
  p.action = have_any && dax_found != nullptr && dax_found->devdax ? RegionAction::kReuseDevdax
                                                                   : RegionAction::kCreateDevdax;
  return p;
}

u64 RamdaxCarvesLoss(const std::vector<Range>& carves, u64 keep, u64 block_size, u64 align) {
  return RamdaxLoss(carves.front(), keep, block_size, align);  // ramdax advises one carve
}

// Each ramdax carve has its own label area: every region is its own carve.
Plan PlanRamdaxCarves(const Geometry& geometry, u64 keep, bool advise) {
  Plan plan;
  plan.strategy = Strategy::kRamdax;
  plan.block_size = geometry.block_size;
  const std::vector<RegionInfo> regions = CarveRegions(geometry.regions);
  const Range kept = KeptRange(regions, keep);
  for (const RegionInfo& r : regions) {
    CarvePlan c = TallyCarve(Range{r.range.start, r.range.end + kLabelAreaSize}, kept,
                             {PlanRamdaxRegion(r, kept, geometry.block_size, geometry.dax_align, geometry.page_size)});
    OfferAdvice(geometry, std::max(geometry.dax_align, kSubsection) + kLabelAreaSize,
                advise ? AdviseRamdaxCarve : nullptr, RamdaxCarvesLoss, &c);
    plan.carves.push_back(std::move(c));
  }
  return plan;
}

}  // namespace

Plan PlanRamdax(const Geometry& geometry, u64 keep) { return PlanRamdaxCarves(geometry, keep, /*advise=*/true); }

u64 RamdaxLoss(const Range& carve, u64 keep, u64 block_size, u64 align) {
  Geometry m;
  m.block_size = block_size;
  m.dax_align = align;
  if (carve.size() <= kLabelAreaSize) return carve.size();
  RegionInfo r;
  r.name = "region0";
  r.range = Range{carve.start, carve.end - kLabelAreaSize};
  r.labelled = true;
  r.carve = true;
  m.regions.push_back(r);
  return PlanRamdaxCarves(m, keep, /*advise=*/false).carves.at(0).lost;
}

}  // namespace pmemreclaim
