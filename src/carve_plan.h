// SPDX-License-Identifier: GPL-2.0-or-later
// What the three planners (plan_legacy.cc, plan_ramdax.cc, plan_hmem.cc)
// share once a carve's regions are planned: the carve's tally, and the
// advice of a carve for the next boot that would lose less.  Internal to
// the planner; pure.
#ifndef PMEMRECLAIM_CARVE_PLAN_H_
#define PMEMRECLAIM_CARVE_PLAN_H_

#include <vector>

#include "plan.h"

namespace pmemreclaim {

// A carve of `range` with `kept` (the part of the kept range inside it) and
// its planned regions: the bytes onlined are the regions' online ranges,
// the bytes lost the rest of what is not kept, and the `between` bytes of
// `kept` no named slice holds.
CarvePlan TallyCarve(const Range& range, const Range& kept, std::vector<RegionPlan> regions, u64 between = 0);

// A carve holding data pmemreclaim did not write (an fsdax, btt or devdax
// info block, a label area, a namespace): no advice to carve it anew, that
// data is someone's.
bool HoldsForeign(const CarvePlan& c);

// What the summary needs besides the advice itself (arm64: the NUMA node,
// mem= when the advice starts lower than the RAM's end).
void FinishAdvice(const Geometry& geometry, CarvePlan* c);

// How a strategy advises a carve (AdviseLegacyCarve, AdviseRamdaxCarve) and
// what a set of advised carves would lose (LegacyLoss; ramdax: one carve).
using CarveAdvisor = std::vector<Range> (*)(const Range& carve, u64 keep, u64 block_size, u64 align,
                                            const std::vector<Range>& available);
using AdvisedLoss = u64 (*)(const std::vector<Range>& carves, u64 keep, u64 block_size, u64 align);

// The advice step every label-less and end-labeled carve goes through: when
// the carve loses more than `unavoidable` (what its layout costs at best)
// and holds nothing foreign, `advise` gives carves for the next boot (within
// the geometry's RAM and the old carve), taken when they would lose less
// than the carve loses now; then FinishAdvice.  No `advise` (nullptr: a
// loss estimate): FinishAdvice only.
void OfferAdvice(const Geometry& geometry, u64 unavoidable, CarveAdvisor advise, AdvisedLoss loss, CarvePlan* c);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_CARVE_PLAN_H_
