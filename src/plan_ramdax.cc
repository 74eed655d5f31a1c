// SPDX-License-Identifier: GPL-2.0-or-later
// The end-labeled planner (plan.h: PlanRamdax, RamdaxLoss): per carve a raw
// namespace over the kept bytes and a devdax namespace after it, both in the
// label area at the carve's end.
#include <algorithm>

#include "carve_plan.h"
#include "mark.h"
#include "nextboot.h"
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

// Region `region` with `slices` (laid out, in order): what its label area
// holds must be exactly what this plan makes (none of it made yet, part of
// it, or all of it); anything else leaves the region.
RegionPlan PlanRamdaxSliceRegion(const RegionInfo& region, std::vector<SlicePlan> slices, u64 block_size,
                                 u64 dax_align, u64 page_size) {
  RegionPlan p;
  p.region = region;
  p.action = RegionAction::kLeave;
  p.dax_align = kSubsection;
  p.device_align = page_size;
  p.slices = std::move(slices);
  const Range& mapping = region.range;
  const u64 usable_end = mapping.start + AlignDown(mapping.size(), kSubsection);
  if (!IsAligned(mapping.start, kSubsection)) {
    p.reason = Reason::kUnaligned;
    p.detail = "start " + Hex(mapping.start);
    return p;
  }
  Range dax_ns{p.slices.back().range.end, usable_end};
  Range data = DevdaxData(dax_ns, std::max(dax_align, kSubsection));
  Range online = AlignInward(data, block_size);
  if (online.empty() || region.target_node < 0) dax_ns = data = online = Range{};
  const NamespaceInfo* dax_found = nullptr;
  for (const NamespaceInfo& ns : region.namespaces) {
    const bool slice_named = ns.alt_name.rfind(kSliceNamespacePrefix, 0) == 0;
    const bool ours = (slice_named && HasMark(ns.uuid, MarkRole::kSliceNamespace, ns.range)) || IsOurs(ns);
    if (!ours) {
      p.reason = Reason::kForeignNamespace;
      p.detail = ns.devname + " \"" + ns.alt_name + "\", uuid " + ns.uuid + ", " + Describe(ns.range);
      return p;
    }
    const SlicePlan* planned = nullptr;
    for (const SlicePlan& sl : p.slices) {
      if (ns.alt_name == kSliceNamespacePrefix + sl.name && ns.range == sl.extent) planned = &sl;
    }
    const bool is_rest = ns.alt_name == kDaxNamespaceName && ns.range == dax_ns;
    if (planned == nullptr && !is_rest) {
      p.reason = Reason::kSlicesMoved;
      p.detail = ns.devname + " \"" + ns.alt_name + "\" " + Describe(ns.range);
      return p;
    }
    // its info block, when claimed: ours, and the data exactly the slice (the rest: inside its namespace)
    if (ns.devdax && (!HasMark(ns.dax_uuid, MarkRole::kDevdax, ns.range) || ns.dax_data.empty() ||
                      (planned != nullptr ? ns.dax_data != planned->range : !ns.range.Contains(ns.dax_data)))) {
      p.reason = Reason::kForeignInfoBlock;
      p.detail = ns.devname + ": a devdax, data " + Describe(ns.dax_data);
      return p;
    }
    if (is_rest) dax_found = &ns;
  }
  if (dax_found != nullptr && dax_found->devdax) {
    data = dax_found->dax_data;  // ours: where the kernel put it
    online = AlignInward(data, block_size);
  }
  p.keep_extent = Range{mapping.start, p.slices.back().range.end};
  p.dax_extent = dax_ns;
  p.data = data;
  p.online = online;
  p.init_labels = !region.labels_valid;
  if (dax_ns.empty()) {
    p.action = RegionAction::kKeep;
    p.reason = usable_end > p.keep_extent.end ? Reason::kTooSmall : Reason::kKept;
    if (p.reason == Reason::kTooSmall) p.detail = "after the last slice";
    return p;
  }
  p.action = dax_found != nullptr && dax_found->devdax ? RegionAction::kReuseDevdax : RegionAction::kCreateDevdax;
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

bool PlanRamdaxSlices(const Geometry& geometry, const std::vector<SliceSpec>& specs, Plan* plan, std::string* err) {
  *plan = Plan{};
  plan->strategy = Strategy::kRamdax;
  plan->block_size = geometry.block_size;
  const std::vector<RegionInfo> regions = CarveRegions(geometry.regions);
  std::vector<Range> usable;
  for (const RegionInfo& r : regions) usable.push_back(Range{r.range.start, r.range.start + AlignDown(r.range.size(), kSubsection)});
  // The kernel starts devdax data on a boundary of the larger of the
  // device's align and its own dax alignment (the PMD size: 2 MiB with 4K
  // pages, 32 MiB with 16K, 512 MiB with 64K): each slice starts on one,
  // and its size is a whole number of them, so that the data is exactly the
  // slice.  The device's align: the slice's, where 2M (the default) is this
  // kernel's PMD size.
  const u64 pmd = std::max(geometry.dax_align, kSubsection);
  std::vector<SliceSpec> laid_specs = specs;
  for (SliceSpec& s : laid_specs) {
    const u64 device_align = s.align == kDefaultSliceAlign ? pmd : s.align;
    if (device_align != geometry.page_size && device_align != pmd &&
        !(device_align == kGiB && geometry.arch == Arch::kX86_64)) {
      *err = "slice " + s.name + ": a devdax namespace can't have align " + HumanSize(device_align) + " here (" +
             HumanSize(geometry.page_size) + ", " + HumanSize(pmd) +
             (geometry.arch == Arch::kX86_64 ? " or 1 GiB)" : ")");
      return false;
    }
    s.align = std::max(device_align, pmd);
    if (!IsAligned(s.size, s.align)) {
      *err = "slice " + s.name + ": " + HumanSize(s.size) + " is not a multiple of " + HumanSize(s.align) +
             ", where this kernel starts and ends devdax data";
      return false;
    }
  }
  std::vector<Slice> laid;
  // each slice's namespace begins with its 2 MiB info block area
  if (!LayoutSlices(usable, laid_specs, kSubsection, &laid, err)) return false;
  for (size_t i = 0; i < regions.size(); ++i) {
    const RegionInfo& r = regions[i];
    const Range carve{r.range.start, r.range.end + kLabelAreaSize};
    std::vector<SlicePlan> here;
    u64 at = r.range.start, held = 0;
    for (size_t k = 0; k < laid.size(); ++k) {
      if (laid[k].carve != i) continue;
      const u64 device_align = specs[k].align == kDefaultSliceAlign ? pmd : specs[k].align;
      here.push_back(SlicePlan{laid[k].name, laid[k].range, device_align, Range{at, laid[k].range.end}});
      at = laid[k].range.end;
      held += laid[k].range.size();
    }
    if (here.empty()) {
      CarvePlan c = TallyCarve(carve, Range{}, {PlanRamdaxRegion(r, Range{}, geometry.block_size, geometry.dax_align,
                                                                 geometry.page_size)});
      FinishAdvice(geometry, &c);
      plan->carves.push_back(std::move(c));
      continue;
    }
    RegionPlan p = PlanRamdaxSliceRegion(r, here, geometry.block_size, geometry.dax_align, geometry.page_size);
    const Range span{r.range.start, here.back().range.end};
    CarvePlan c = TallyCarve(carve, span, {std::move(p)}, span.size() - held);
    FinishAdvice(geometry, &c);
    if (geometry.arch == Arch::kX86_64) {
      // the same slices on the same carve as soft-reserved memory: no info block before each
      std::vector<SliceSpec> mine;
      for (size_t k = 0; k < laid.size(); ++k) {
        if (laid[k].carve == i) mine.push_back(specs[k]);
      }
      Geometry soft = geometry;
      soft.regions = {RawRegion(r.name, carve)};
      soft.regions[0].carve = true;
      Plan hmem;
      std::string ignored;
      if (PlanHmemSlices(soft, mine, &hmem, &ignored) && hmem.carves.at(0).lost < c.lost) {
        c.better = "hmem would lose " + HumanSize(hmem.carves[0].lost) + " with these slices: carve " +
                   FormatCarvesFor(Arch::kX86_64, Strategy::kHmem, {carve}) + " nokaslr";
      }
    }
    plan->carves.push_back(std::move(c));
  }
  return true;
}

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
