// SPDX-License-Identifier: GPL-2.0-or-later
// The planner's shared pieces: carves, the kept range, devdax data, and how
// a plan is written for people (plan.h).  Each strategy's planner is in its
// own file (plan_legacy.cc, plan_ramdax.cc, plan_hmem.cc); the carve tally
// and the next-boot advice in carve_plan.cc.
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
                     ": kept " + HumanSize(c.KeptBytes()) + ", onlined " + HumanSize(c.onlined) +
                     " (" + std::to_string(c.onlined) + " bytes), lost " + HumanSize(c.lost) + " (" +
                     std::to_string(c.lost) + " bytes)";
  if (!c.advice.empty()) {
    line += "; to lose less next boot, carve: " + FormatCarves(arch, c.advice, c.numa_node);
    if (c.advice_mem != 0) line += " with mem=" + KernelSize(c.advice_mem);
  }
  if (!c.better.empty()) line += "; " + c.better;
  if (c.needs_numa) {
    line += arch == Arch::kArm64 ? "; give the pmem-region node a numa-node-id: kmem needs a NUMA node"
                                 : "; the carve has no NUMA node: kmem needs one";
  }
  return line;
}

}  // namespace pmemreclaim
