#include "plan.h"

#include <algorithm>

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

std::vector<std::vector<RegionInfo>> GroupCarves(std::vector<RegionInfo> regions) {
  std::sort(regions.begin(), regions.end(),
            [](const RegionInfo& a, const RegionInfo& b) { return a.range.start < b.range.start; });
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

RegionPlan PlanLegacyRegion(const RegionInfo& region, const Range& kept, u64 block_size, u64 dax_align) {
  RegionPlan p;
  p.region = region;
  p.dax_align = std::max(dax_align, kSubsection);
  const Range& r = region.range;
  if (!kept.empty() && kept.Contains(r)) {
    p.action = RegionAction::kKeep;
    p.why = "inside the kept range";
    return p;
  }
  p.action = RegionAction::kLeave;
  if (kept.Overlaps(r)) {
    p.why = "the kept range ends at " + Hex(kept.end) + ", inside this region: its info block would land on kept data";
    return p;
  }
  const Range planned = DevdaxData(r, p.dax_align);
  switch (region.state) {
    case RegionState::kOther:
      p.why = "it holds a namespace that is not plain pmem or devdax (btt or fsdax); left as it is";
      return p;
    case RegionState::kDevdax:
      if (region.dax_data != planned || planned.empty()) {
        p.why = "it holds a devdax of another layout (data " + Describe(region.dax_data) +
                ", align " + HumanSize(region.dax_align) + "); pmemreclaim did not make it";
        return p;
      }
      p.action = RegionAction::kReuseDevdax;
      break;
    case RegionState::kRaw:
      if (!IsAligned(r.start, kSubsection)) {
        p.why = "its start " + Hex(r.start) + " is not 2 MiB aligned; the kernel refuses devdax there";
        return p;
      }
      p.action = RegionAction::kCreateDevdax;
      break;
  }
  p.data = planned;
  p.online = AlignInward(planned, block_size);
  if (p.online.empty()) {
    p.action = RegionAction::kLeave;
    p.why = "too small: after the info block and alignment to " + HumanSize(block_size) +
            " memory blocks nothing is left to online";
    p.online = {};
  }
  return p;
}

Plan PlanLegacyImpl(const Machine& machine, u64 keep, bool advise);

}  // namespace

Plan PlanLegacy(const Machine& machine, u64 keep) { return PlanLegacyImpl(machine, keep, /*advise=*/true); }

namespace {

Plan PlanLegacyImpl(const Machine& machine, u64 keep, bool advise) {
  Plan plan;
  plan.strategy = Strategy::kLegacy;
  plan.block_size = machine.block_size;
  const auto carves = GroupCarves(machine.regions);
  if (carves.empty()) return plan;
  const u64 first = carves.front().front().range.start;
  const Range kept{first, keep > ~u64{0} - first ? ~u64{0} : first + keep};
  const u64 align = std::max(machine.dax_align, kSubsection);
  for (const auto& regions : carves) {
    CarvePlan c;
    c.range = Range{regions.front().range.start, regions.back().range.end};
    c.kept = kept.Intersect(c.range);
    for (const RegionInfo& r : regions) {
      c.regions.push_back(PlanLegacyRegion(r, kept, machine.block_size, machine.dax_align));
      c.onlined += c.regions.back().online.size();
    }
    c.lost = c.range.size() - c.kept.size() - c.onlined;
    if (advise && c.lost > align) {
      std::vector<Range> available = machine.ram;
      std::vector<Range> advice =
          AdviseLegacyCarve(c.range, c.kept.size(), machine.block_size, machine.dax_align, available);
      if (!advice.empty() && LegacyLoss(advice, c.kept.size(), machine.block_size, machine.dax_align) < c.lost) {
        c.advice = std::move(advice);
      }
    }
    plan.carves.push_back(std::move(c));
  }
  return plan;
}

}  // namespace

std::vector<Range> AdviseLegacyCarve(const Range& carve, u64 keep, u64 block_size, u64 align,
                                     const std::vector<Range>& available) {
  const u64 a = std::max(align, kSubsection);
  if (carve.empty() || !IsPowerOfTwo(block_size) || block_size < a || keep >= carve.size()) return {};
  std::vector<Range> room = available;
  room.push_back(carve);
  room = Merge(room);

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

  for (u64 m = std::max<u64>(want, 1); m >= 1; --m) {
    for (u64 d : starts) {
      if (keep > 0 && d < kept_end) continue;
      const u64 size = m * block_size + a;
      if (d > ~u64{0} - size) continue;
      const Range dax = Range::FromSize(d, size);
      if (!Covered(dax, room)) continue;
      std::vector<Range> out;
      if (!kept_carve.empty()) out.push_back(kept_carve);
      out.push_back(dax);
      return out;
    }
  }
  return {};
}

u64 LegacyLoss(const std::vector<Range>& carves, u64 keep, u64 block_size, u64 align) {
  Machine m;
  m.block_size = block_size;
  m.dax_align = align;
  for (size_t i = 0; i < carves.size(); ++i) {
    m.regions.push_back(RegionInfo{"region" + std::to_string(i), carves[i], RegionState::kRaw, {}, 0});
  }
  u64 lost = 0;
  for (const CarvePlan& c : PlanLegacyImpl(m, keep, /*advise=*/false).carves) lost += c.lost;
  return lost;
}

std::string FormatCarves(Arch arch, const std::vector<Range>& carves) {
  std::string out;
  for (const Range& c : carves) {
    if (!out.empty()) out += arch == Arch::kX86_64 ? " " : "; ";
    if (arch == Arch::kX86_64) {
      out += "memmap=" + KernelSize(c.size()) + "!" + KernelSize(c.start);
    } else {
      auto cells = [](u64 v) { return Hex(v >> 32) + " " + Hex(v & 0xffffffffu); };
      out += "pmem@" + Hex(c.start).substr(2) + " { compatible = \"pmem-region\"; reg = <" + cells(c.start) + " " +
             cells(c.size()) + ">; }";
    }
  }
  return out;
}

std::string SummaryLine(Arch arch, const CarvePlan& c) {
  std::string line = "carve " + Describe(c.range) + " " + HumanSize(c.range.size()) +
                     ": kept " + HumanSize(c.kept.size()) + ", onlined " + HumanSize(c.onlined) +
                     " (" + std::to_string(c.onlined) + " bytes), lost " + HumanSize(c.lost) + " (" +
                     std::to_string(c.lost) + " bytes)";
  if (!c.advice.empty()) line += "; to lose less next boot, carve: " + FormatCarves(arch, c.advice);
  return line;
}

}  // namespace pmemreclaim
