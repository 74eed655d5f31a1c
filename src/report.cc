// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"

#include "json.h"

namespace pmemreclaim {

std::string PlanJson(Arch arch, const Plan& plan) {
  JsonWriter j;
  j.BeginObject()
      .Field("arch", ArchName(arch))
      .Field("strategy", StrategyName(plan.strategy))
      .Field("block_size", plan.block_size)
      .Key("carves")
      .BeginArray();
  for (const CarvePlan& c : plan.carves) {
    j.BeginObject()
        .Field("range", c.range)
        .Field("kept", c.KeptBytes())
        .Field("onlined", c.onlined)
        .Field("lost", c.lost)
        .Key("regions")
        .BeginArray();
    for (const RegionPlan& r : c.regions) {
      j.BeginObject()
          .Field("name", r.region.name)
          .Field("range", r.region.range)
          .Field("action", RegionActionName(r.action))
          .Field("online", r.online)
          .Field("reason", ReasonName(r.reason))
          .Field("why", Why(r))
          .EndObject();
    }
    j.EndArray().Key("slices").BeginArray();
    for (const RegionPlan& r : c.regions) {
      for (const SlicePlan& sl : r.slices) {
        j.BeginObject().Field("name", sl.name).Field("range", sl.range).Field("align", sl.align).EndObject();
      }
    }
    j.EndArray().Field("next_boot", FormatCarves(arch, c.advice)).EndObject();
  }
  return j.EndArray().EndObject().str();
}

const RegionOutcome* OutcomeOf(const RegionPlan& r, const std::vector<RegionOutcome>& done) {
  for (const RegionOutcome& d : done) {
    if (d.region == r.region.name) return &d;
  }
  return nullptr;
}

Reason OutcomeReason(const RegionPlan& planned, const RegionOutcome* done) {
  // a region left as it was did no step that could fail: its reason stands (a named slice in it has no
  // device, which makes the outcome not ok)
  return done != nullptr && !done->ok && planned.action != RegionAction::kLeave ? Reason::kFailed : planned.reason;
}

void WriteCarveRegions(const CarvePlan& carve, const std::vector<RegionOutcome>& done, JsonWriter& j) {
  j.BeginArray();
  for (const RegionPlan& r : carve.regions) {
    const RegionOutcome* o = OutcomeOf(r, done);
    j.BeginObject()
        .Field("name", r.region.name)
        .Field("range", r.region.range)
        .Field("action", RegionActionName(r.action))
        .Field("reason", ReasonName(OutcomeReason(r, o)))
        .Field("blocks_onlined", o != nullptr ? o->blocks_onlined : 0)
        .Key("blocks_offline")
        .BeginArray();
    if (o != nullptr) {
      for (const OfflineBlock& b : o->blocks_offline) {
        j.BeginObject().Field("block", b.block).Field("error", b.error).EndObject();
      }
    }
    j.EndArray().EndObject();
  }
  j.EndArray();
}

void WriteSkipped(const std::vector<SkippedRegion>& skipped, JsonWriter& j) {
  j.BeginArray();
  for (const SkippedRegion& r : skipped) {
    j.BeginObject()
        .Field("name", r.name)
        .Field("range", r.range)
        .Field("bus", r.bus)
        .Field("reason", ReasonName(r.reason))
        .EndObject();
  }
  j.EndArray();
}

std::string OutcomeJson(const Outcome& o) {
  JsonWriter j;
  j.BeginObject()
      .Field("strategy", StrategyName(o.strategy))
      .Field("ok", o.ok())
      .Field("error", o.error)
      .Field("touched", o.touched)
      .Key("regions")
      .BeginArray();
  for (const RegionOutcome& r : o.regions) {
    j.BeginObject()
        .Field("name", r.region)
        .Field("action", RegionActionName(r.action))
        .Field("ok", r.ok)
        .Field("blocks_onlined", r.blocks_onlined)
        .Field("message", r.message)
        .EndObject();
  }
  j.EndArray().Key("carves").BeginArray();
  const size_t n = o.plan ? o.plan->carves.size() : 0;
  for (size_t i = 0; i < n; ++i) {
    const CarvePlan& c = o.plan->carves[i];
    j.BeginObject()
        .Field("range", c.range)
        .Field("kept", c.KeptBytes())
        .Field("planned_onlined", c.onlined)
        .Key("kmem_online");
    if (i < o.kmem_bytes.size()) {
      j.Number(o.kmem_bytes[i]);
    } else {
      j.Null();
    }
    j.Key("regions");
    WriteCarveRegions(c, o.regions, j);
    j.EndObject();
  }
  j.EndArray().Key("skipped");
  WriteSkipped(o.skipped, j);
  return j.EndObject().str();
}

std::string RegionPlanLine(const RegionPlan& r) {
  return r.region.name + " " + Describe(r.region.range) + ": " + RegionActionName(r.action) +
         (r.online.empty() ? "" : ", online " + Describe(r.online)) +
         (r.reason == Reason::kNone ? "" : " (" + Why(r) + ")");
}

std::string PlanText(Arch arch, const Plan& plan) {
  std::string out = std::string("strategy ") + StrategyName(plan.strategy) + ", memory block " +
                    HumanSize(plan.block_size) + "\n";
  for (const CarvePlan& c : plan.carves) {
    for (const RegionPlan& r : c.regions) out += "  " + RegionPlanLine(r) + "\n";
    out += SummaryLine(arch, c) + "\n";
  }
  return out;
}

std::string BlocksLine(const std::vector<BlockState>& blocks, u64 block_size) {
  size_t online = 0;
  for (const BlockState& b : blocks) online += b.online ? 1 : 0;
  std::string out = "onlined " + std::to_string(online) + " of " + std::to_string(blocks.size()) + " memory blocks";
  size_t runs = 0, more = 0;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].online) continue;
    size_t j = i;  // the run is blocks[i..j]
    while (j + 1 < blocks.size() && !blocks[j + 1].online && blocks[j + 1].index == blocks[j].index + 1 &&
           blocks[j + 1].error == blocks[i].error) {
      ++j;
    }
    if (++runs > kMaxRuns) {
      more += j - i + 1;
    } else {
      const Range r{blocks[i].index * block_size, (blocks[j].index + 1) * block_size};
      out += (runs == 1 ? "; " : ", ") + std::string("memory") + std::to_string(blocks[i].index) +
             (j > i ? "-" + std::to_string(blocks[j].index) : "") + " " + Describe(r) +
             (j > i ? " stay" : " stays") + " offline (" + blocks[i].error + ")";
    }
    i = j;
  }
  if (more != 0) out += ", and " + std::to_string(more) + " more blocks";
  return out;
}

}  // namespace pmemreclaim
