// SPDX-License-Identifier: GPL-2.0-or-later
// The carve tally and the next-boot advice (carve_plan.h, plan.h).
#include "carve_plan.h"

#include <algorithm>

namespace pmemreclaim {

CarvePlan TallyCarve(const Range& range, const Range& kept, std::vector<RegionPlan> regions, u64 between) {
  CarvePlan c;
  c.range = range;
  c.kept = kept.Intersect(range);
  c.between = std::min(between, c.kept.size());
  for (const RegionPlan& r : regions) c.onlined += r.online.size();
  c.lost = c.range.size() - c.KeptBytes() - c.onlined;
  c.regions = std::move(regions);
  return c;
}

bool HoldsForeign(const CarvePlan& c) {
  for (const RegionPlan& r : c.regions) {
    if (r.action != RegionAction::kLeave) continue;
    if (r.region.state != RegionState::kRaw || r.region.labels_at_end || !r.region.namespaces.empty()) return true;
  }
  return false;
}

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

void OfferAdvice(const Geometry& geometry, u64 unavoidable, CarveAdvisor advise, AdvisedLoss loss, CarvePlan* c) {
  const u64 keep = c->KeptBytes();
  if (advise != nullptr && c->lost > unavoidable && !HoldsForeign(*c)) {
    std::vector<Range> advice = advise(c->range, keep, geometry.block_size, geometry.dax_align, geometry.ram);
    if (!advice.empty() && loss(advice, keep, geometry.block_size, geometry.dax_align) < c->lost) {
      c->advice = std::move(advice);
    }
  }
  FinishAdvice(geometry, c);
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

}  // namespace pmemreclaim
