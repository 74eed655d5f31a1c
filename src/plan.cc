// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan.h"

#include <algorithm>

#include "mark.h"

namespace pmemreclaim {

const char* ArchName(Arch a) { return a == Arch::kX86_64 ? "x86_64" : "arm64"; }

const char* RegionActionName(RegionAction a) {
  switch (a) {
    case RegionAction::kKeep: return "keep";
    case RegionAction::kCreateDevdax: return "create-devdax";
    case RegionAction::kReuseDevdax: return "reuse-devdax";
    case RegionAction::kLeave: return "leave";
  }
  return "?";
}

Range KeptRange(const std::vector<RegionInfo>& sorted, u64 keep) {
  if (sorted.empty()) return {};
  const u64 first = sorted.front().range.start;
  return Range{first, keep > ~u64{0} - first ? ~u64{0} : first + keep};
}

std::vector<std::vector<RegionInfo>> GroupCarves(std::vector<RegionInfo> regions) {
  regions = SortedRegions(std::move(regions));
  std::vector<std::vector<RegionInfo>> carves;
  for (RegionInfo& r : regions) {
    if (r.range.empty()) continue;
    if (carves.empty() || carves.back().back().range.end != r.range.start) carves.emplace_back();
    carves.back().push_back(std::move(r));
  }
  return carves;
}

Range DevdaxData(const Range& ns, u64 align) {
  const u64 a = std::max(align, kSubsection);
  if (!IsPowerOfTwo(a) || !IsAligned(ns.start, kSubsection) || ns.size() <= kInfoBlockReserve) return {};
  const Range data{AlignUp(ns.start + kInfoBlockReserve, a), AlignDown(ns.end, a)};
  return data.empty() ? Range{} : data;
}

namespace {

// What the summary needs besides the advice itself (arm64: NUMA, mem=).
void FinishAdvice(const Geometry& geometry, CarvePlan* c) {
  for (const RegionPlan& r : c->regions) {
    if (r.region.target_node < 0) c->needs_numa = true;
    if (r.region.target_node > 0) c->numa_node = r.region.target_node;
  }
  if (c->needs_numa) c->advice.clear();  // the same carve with a node would do
  if (geometry.arch != Arch::kArm64 || c->advice.empty() || geometry.ram.empty()) return;
  u64 lowest = c->advice.front().start;
  for (const Range& a : c->advice) lowest = std::min(lowest, a.start);
  const u64 ram_base = Merge(geometry.ram).front().start;
  if (lowest < c->range.start && lowest > ram_base) c->advice_mem = lowest - ram_base;
}

// A carve with data pmemreclaim did not write (an fsdax, btt or devdax
// info block, a label area, a namespace) gets no advice to carve it anew:
// that data is someone's.
bool HoldsForeign(const CarvePlan& c) {
  for (const RegionPlan& r : c.regions) {
    if (r.action != RegionAction::kLeave) continue;
    if (r.region.state != RegionState::kRaw || r.region.labels_at_end || !r.region.namespaces.empty()) return true;
  }
  return false;
}

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

Plan PlanLegacyImpl(const Geometry& geometry, u64 keep, bool advise);

}  // namespace

Plan PlanLegacy(const Geometry& geometry, u64 keep) { return PlanLegacyImpl(geometry, keep, /*advise=*/true); }

namespace {

Plan PlanLegacyImpl(const Geometry& geometry, u64 keep, bool advise) {
  Plan plan;
  plan.strategy = Strategy::kLegacy;
  plan.block_size = geometry.block_size;
  const auto carves = GroupCarves(CarveRegions(geometry.regions));
  if (carves.empty()) return plan;
  const Range kept = KeptRange(carves.front(), keep);
  const u64 align = std::max(geometry.dax_align, kSubsection);
  for (const auto& regions : carves) {
    CarvePlan c;
    c.range = Range{regions.front().range.start, regions.back().range.end};
    c.kept = kept.Intersect(c.range);
    for (const RegionInfo& r : regions) {
      c.regions.push_back(PlanLegacyRegion(r, kept, geometry.block_size, geometry.dax_align, geometry.page_size));
      c.onlined += c.regions.back().online.size();
    }
    c.lost = c.range.size() - c.kept.size() - c.onlined;
    if (advise && c.lost > align && !HoldsForeign(c)) {
      std::vector<Range> available = geometry.ram;
      std::vector<Range> advice =
          AdviseLegacyCarve(c.range, c.kept.size(), geometry.block_size, geometry.dax_align, available);
      if (!advice.empty() && LegacyLoss(advice, c.kept.size(), geometry.block_size, geometry.dax_align) < c.lost) {
        c.advice = std::move(advice);
      }
    }
    FinishAdvice(geometry, &c);
    plan.carves.push_back(std::move(c));
  }
  return plan;
}

}  // namespace

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

Plan PlanRamdaxImpl(const Geometry& geometry, u64 keep, bool advise) {
  Plan plan;
  plan.strategy = Strategy::kRamdax;
  plan.block_size = geometry.block_size;
  const std::vector<RegionInfo> regions = CarveRegions(geometry.regions);
  const Range kept = KeptRange(regions, keep);
  const u64 align = std::max(geometry.dax_align, kSubsection);
  for (const RegionInfo& r : regions) {
    // Each ramdax carve has its own label area: every region is its own carve.
    CarvePlan c;
    c.range = Range{r.range.start, r.range.end + kLabelAreaSize};
    c.kept = kept.Intersect(c.range);
    c.regions.push_back(PlanRamdaxRegion(r, kept, geometry.block_size, geometry.dax_align, geometry.page_size));
    c.onlined = c.regions.back().online.size();
    c.lost = c.range.size() - c.kept.size() - c.onlined;
    if (advise && c.lost > align + kLabelAreaSize && !HoldsForeign(c)) {
      std::vector<Range> advice =
          AdviseRamdaxCarve(c.range, c.kept.size(), geometry.block_size, geometry.dax_align, geometry.ram);
      if (!advice.empty() && RamdaxLoss(advice.front(), c.kept.size(), geometry.block_size, geometry.dax_align) < c.lost) {
        c.advice = std::move(advice);
      }
    }
    FinishAdvice(geometry, &c);
    plan.carves.push_back(std::move(c));
  }
  return plan;
}

}  // namespace

Plan PlanRamdax(const Geometry& geometry, u64 keep) { return PlanRamdaxImpl(geometry, keep, /*advise=*/true); }

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
  return PlanRamdaxImpl(m, keep, /*advise=*/false).carves.at(0).lost;
}

namespace {

// The advice search both strategies share: for m from `want` blocks down to
// one, the first start in `starts` (in order) whose carve of size_for(m)
// lies inside `room`.  `ok` filters starts; empty when none fits.
template <typename SizeFor, typename Ok>
Range FirstCoveredCarve(const std::vector<u64>& starts, u64 want, const std::vector<Range>& room, SizeFor size_for,
                        Ok ok) {
  for (u64 m = std::max<u64>(want, 1); m >= 1; --m) {
    for (u64 s : starts) {
      const u64 size = size_for(m);
      if (!ok(s) || s > ~u64{0} - size) continue;
      const Range c = Range::FromSize(s, size);
      if (Covered(c, room)) return c;
    }
  }
  return {};
}

// Where an advised carve may go: the RAM map and the old carve.
std::vector<Range> Room(const Range& carve, const std::vector<Range>& available) {
  std::vector<Range> room = available;
  room.push_back(carve);
  return Merge(room);
}

}  // namespace

std::vector<Range> AdviseRamdaxCarve(const Range& carve, u64 keep, u64 block_size, u64 align,
                                     const std::vector<Range>& available) {
  if (carve.empty() || !IsPowerOfTwo(block_size) || block_size < std::max(align, kSubsection) || keep >= carve.size()) {
    return {};
  }
  // Namespaces go at 2 MiB; the data starts on the first dax alignment
  // boundary after the info block, which a block boundary 2 MiB on is.
  const u64 a = kSubsection;
  const u64 keep_size = keep == 0 ? 0 : AlignUp(keep, a);
  const u64 lead = keep_size + a;  // carve start to the first block boundary
  // As many blocks as the old carve had room for; the label area may then
  // reach past the old end where the RAM map allows.
  const u64 want = (carve.size() - std::min(carve.size(), lead)) / block_size;
  // The carve start is `lead` below a block boundary: the one at or below
  // the old start + lead (the carve moves down a little), else the next.
  std::vector<u64> starts;
  const u64 boundary = AlignDown(carve.start + lead, block_size);
  if (boundary >= lead) starts.push_back(boundary - lead);
  starts.push_back(AlignUp(carve.start + lead, block_size) - lead);
  const Range c = FirstCoveredCarve(
      starts, want, Room(carve, available), [&](u64 m) { return lead + m * block_size + kLabelAreaSize; },
      [](u64) { return true; });
  if (c.empty()) return {};
  return {c};
}

std::vector<Range> AdviseLegacyCarve(const Range& carve, u64 keep, u64 block_size, u64 align,
                                     const std::vector<Range>& available) {
  if (carve.empty() || !IsPowerOfTwo(block_size) || block_size < std::max(align, kSubsection) || keep >= carve.size()) {
    return {};
  }
  // The info block costs 2 MiB when the data's dax alignment boundary (a
  // block boundary) is 2 MiB after the namespace start, on any page size.
  const u64 a = kSubsection;
  const u64 s = carve.start;
  const Range kept_carve = keep == 0 ? Range{} : Range{s, AlignUp(s + keep, kSubsection)};
  const u64 kept_end = keep == 0 ? s : kept_carve.end;
  if (kept_end >= carve.end) return {};
  const u64 want = (carve.end - kept_end) / block_size;

  // Where the devdax carve may start: `a` below the first block boundary
  // that leaves room for the info block, and (with nothing kept) `a` below
  // the boundary at or under the carve start, which keeps the carve in place.
  std::vector<u64> starts;
  if (keep == 0 && AlignDown(s + a, block_size) >= a) starts.push_back(AlignDown(s + a, block_size) - a);
  if (AlignUp(kept_end + a, block_size) >= a) starts.push_back(AlignUp(kept_end + a, block_size) - a);

  const Range dax = FirstCoveredCarve(
      starts, want, Room(carve, available), [&](u64 m) { return m * block_size + a; },
      [&](u64 d) { return keep == 0 || d >= kept_end; });
  if (dax.empty()) return {};
  std::vector<Range> out;
  if (!kept_carve.empty()) out.push_back(kept_carve);
  out.push_back(dax);
  return out;
}

u64 LegacyLoss(const std::vector<Range>& carves, u64 keep, u64 block_size, u64 align) {
  Geometry m;
  m.block_size = block_size;
  m.dax_align = align;
  for (size_t i = 0; i < carves.size(); ++i) {
    m.regions.push_back(RawRegion("region" + std::to_string(i), carves[i]));
  }
  u64 lost = 0;
  for (const CarvePlan& c : PlanLegacyImpl(m, keep, /*advise=*/false).carves) lost += c.lost;
  return lost;
}

std::string FormatCarves(Arch arch, const std::vector<Range>& carves, int numa_node) {
  std::string out;
  for (const Range& c : carves) {
    if (!out.empty()) out += arch == Arch::kX86_64 ? " " : "; ";
    if (arch == Arch::kX86_64) {
      out += "memmap=" + KernelSize(c.size()) + "!" + KernelSize(c.start);
    } else {
      auto cells = [](u64 v) { return Hex(v >> 32) + " " + Hex(v & 0xffffffffu); };
      out += "pmem@" + Hex(c.start).substr(2) + " { compatible = \"pmem-region\"; reg = <" + cells(c.start) + " " +
             cells(c.size()) + ">; numa-node-id = <" + std::to_string(numa_node < 0 ? 0 : numa_node) + ">; }";
    }
  }
  return out;
}

std::string SummaryLine(Arch arch, const CarvePlan& c) {
  std::string line = "carve " + Describe(c.range) + " " + HumanSize(c.range.size()) +
                     ": kept " + HumanSize(c.kept.size()) + ", onlined " + HumanSize(c.onlined) +
                     " (" + std::to_string(c.onlined) + " bytes), lost " + HumanSize(c.lost) + " (" +
                     std::to_string(c.lost) + " bytes)";
  if (!c.advice.empty()) {
    line += "; to lose less next boot, carve: " + FormatCarves(arch, c.advice, c.numa_node);
    if (c.advice_mem != 0) line += " with mem=" + KernelSize(c.advice_mem);
  }
  if (c.needs_numa) {
    line += arch == Arch::kArm64 ? "; give the pmem-region node a numa-node-id: kmem needs a NUMA node"
                                 : "; the carve has no NUMA node: kmem needs one";
  }
  return line;
}

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
    CarvePlan c;
    c.range = r.range;
    c.kept = kept.Intersect(r.range);
    RegionPlan p;
    p.region = r;
    p.dax_align = kSubsection;  // dax_hmem devices are multiples of 2 MiB
    p.device_align = kSubsection;
    const Range usable{r.range.start, r.range.start + AlignDown(r.range.size(), kSubsection)};
    u64 kept_end = c.kept.empty() ? r.range.start : AlignUp(c.kept.end, kSubsection);
    if (!IsAligned(r.range.start, kSubsection)) {
      p.action = RegionAction::kLeave;
      p.reason = Reason::kUnaligned;
      p.detail = "start " + Hex(r.range.start);
    } else {
      // Rounding the kept device up to the next block costs nothing: kmem
      // would not online those bytes anyway.  The kept device always
      // exists when something is kept, bound to device_dax, so that kmem
      // (loaded later, e.g. by udev) can never take the kept bytes.
      if (!c.kept.empty()) kept_end = std::min(std::max(kept_end, AlignUp(kept_end, b)), usable.end);
      p.keep_extent = Range{r.range.start, kept_end};
      p.dax_extent = Range{kept_end, usable.end};
      p.data = p.dax_extent;
      p.online = AlignInward(p.data, b);
      if (p.online.empty()) p.dax_extent = p.data = Range{};
      if (c.kept.empty() && p.online.empty()) {
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
          p.reason = c.kept.end >= usable.end ? Reason::kKept : Reason::kTooSmall;
          if (p.reason == Reason::kTooSmall) p.detail = "after the kept range";
        } else {
          p.action = split_done ? RegionAction::kReuseDevdax : RegionAction::kCreateDevdax;
        }
      }
    }
    c.onlined = p.online.size();
    c.lost = c.range.size() - c.kept.size() - c.onlined;
    c.regions.push_back(p);
    plan.carves.push_back(std::move(c));
  }
  return plan;
}

}  // namespace pmemreclaim
