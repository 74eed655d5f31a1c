// SPDX-License-Identifier: GPL-2.0-or-later
// Plans as text and JSON, for `pmemreclaim plan` and `status`; what came
// online, for the log.
#ifndef PMEMRECLAIM_REPORT_H_
#define PMEMRECLAIM_REPORT_H_

#include <string>
#include <vector>

#include "memory_block.h"
#include "outcome.h"
#include "plan.h"

namespace pmemreclaim {

class JsonWriter;

std::string PlanJson(Arch arch, const Plan& plan);
// A carve's regions, for the record and `apply --json`: [{"name":..,"range":{..},"action":..,"reason":..,
// "blocks_onlined":N,"blocks_offline":[{"block":N,"error":..}]}] (`done`: the outcomes of the run; a
// region without one, as in a dry run, shows the plan).
void WriteCarveRegions(const CarvePlan& carve, const std::vector<RegionOutcome>& done, JsonWriter& j);
// The regions that are not carves: [{"name":..,"range":{..},"bus":..,"reason":..}].
void WriteSkipped(const std::vector<SkippedRegion>& skipped, JsonWriter& j);
std::string PlanText(Arch arch, const Plan& plan);
// "region0 [..]: create-devdax, online [..] (why)": one planned region, for plan and the dry run's log.
std::string RegionPlanLine(const RegionPlan& r);

// "onlined 14 of 15 memory blocks; memory40 [0x140000000-0x147ffffff] stays
// offline (online_movable: No space left on device)": the blocks that are
// not online, as runs of adjacent blocks with the same reason (the first
// kMaxRuns runs; the blocks of the others are counted).
constexpr size_t kMaxRuns = 4;
std::string BlocksLine(const std::vector<BlockState>& blocks, u64 block_size);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_REPORT_H_
