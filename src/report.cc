// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"

namespace pmemreclaim {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string JsonRange(const Range& r) {
  return "{\"start\":" + std::to_string(r.start) + ",\"size\":" + std::to_string(r.size()) + "}";
}

std::string PlanJson(Arch arch, const Plan& plan) {
  std::string out = "{\"arch\":" + JsonString(ArchName(arch)) + ",\"strategy\":" +
                    JsonString(StrategyName(plan.strategy)) + ",\"block_size\":" + std::to_string(plan.block_size) +
                    ",\"carves\":[";
  for (size_t i = 0; i < plan.carves.size(); ++i) {
    const CarvePlan& c = plan.carves[i];
    if (i) out += ",";
    out += "{\"range\":" + JsonRange(c.range) + ",\"kept\":" + std::to_string(c.kept.size()) +
           ",\"onlined\":" + std::to_string(c.onlined) + ",\"lost\":" + std::to_string(c.lost) + ",\"regions\":[";
    for (size_t j = 0; j < c.regions.size(); ++j) {
      const RegionPlan& r = c.regions[j];
      if (j) out += ",";
      out += "{\"name\":" + JsonString(r.region.name) + ",\"range\":" + JsonRange(r.region.range) +
             ",\"action\":" + JsonString(RegionActionName(r.action)) + ",\"online\":" + JsonRange(r.online) +
             ",\"reason\":" + JsonString(ReasonName(r.reason)) + ",\"why\":" + JsonString(Why(r)) + "}";
    }
    out += "],\"next_boot\":" + JsonString(FormatCarves(arch, c.advice)) + "}";
  }
  return out + "]}";
}

Reason OutcomeReason(const RegionPlan& planned, const RegionOutcome* done) {
  return done != nullptr && !done->ok ? Reason::kFailed : planned.reason;
}

std::string CarveRegionsJson(const CarvePlan& carve, const std::vector<RegionOutcome>& done) {
  std::string out = "[";
  for (const RegionPlan& r : carve.regions) {
    const RegionOutcome* o = nullptr;
    for (const RegionOutcome& d : done) {
      if (d.region == r.region.name) o = &d;
    }
    std::string offline;
    if (o != nullptr) {
      for (const OfflineBlock& b : o->blocks_offline) {
        offline += std::string(offline.empty() ? "" : ",") + "{\"block\":" + std::to_string(b.block) +
                   ",\"error\":" + JsonString(b.error) + "}";
      }
    }
    out += std::string(out.size() > 1 ? "," : "") + "{\"name\":" + JsonString(r.region.name) + ",\"range\":" +
           JsonRange(r.region.range) + ",\"action\":" + JsonString(RegionActionName(r.action)) + ",\"reason\":" +
           JsonString(ReasonName(OutcomeReason(r, o))) + ",\"blocks_onlined\":" +
           std::to_string(o != nullptr ? o->blocks_onlined : 0) + ",\"blocks_offline\":[" + offline + "]}";
  }
  return out + "]";
}

std::string SkippedJson(const std::vector<SkippedRegion>& skipped) {
  std::string out = "[";
  for (const SkippedRegion& r : skipped) {
    out += std::string(out.size() > 1 ? "," : "") + "{\"name\":" + JsonString(r.name) + ",\"range\":" +
           JsonRange(r.range) + ",\"bus\":" + JsonString(r.bus) + ",\"reason\":" + JsonString(ReasonName(r.reason)) +
           "}";
  }
  return out + "]";
}

std::string OutcomeJson(const Outcome& o) {
  std::string out = "{\"strategy\":" + JsonString(StrategyName(o.strategy)) + ",\"ok\":" + (o.ok() ? "true" : "false") +
                    ",\"error\":" + JsonString(o.error) + ",\"touched\":" + (o.touched ? "true" : "false") +
                    ",\"regions\":[";
  for (size_t i = 0; i < o.regions.size(); ++i) {
    const RegionOutcome& r = o.regions[i];
    out += std::string(i ? "," : "") + "{\"name\":" + JsonString(r.region) + ",\"action\":" +
           JsonString(RegionActionName(r.action)) + ",\"ok\":" + (r.ok ? "true" : "false") +
           ",\"blocks_onlined\":" + std::to_string(r.blocks_onlined) + ",\"message\":" + JsonString(r.message) + "}";
  }
  out += "],\"carves\":[";
  const size_t n = o.plan ? o.plan->carves.size() : 0;
  for (size_t i = 0; i < n; ++i) {
    const CarvePlan& c = o.plan->carves[i];
    out += std::string(i ? "," : "") + "{\"range\":" + JsonRange(c.range) + ",\"kept\":" + std::to_string(c.kept.size()) +
           ",\"planned_onlined\":" + std::to_string(c.onlined) + ",\"kmem_online\":" +
           (i < o.kmem_bytes.size() ? std::to_string(o.kmem_bytes[i]) : "null") +
           ",\"regions\":" + CarveRegionsJson(c, o.regions) + "}";
  }
  return out + "],\"skipped\":" + SkippedJson(o.skipped) + "}";
}

std::string PlanText(Arch arch, const Plan& plan) {
  std::string out = std::string("strategy ") + StrategyName(plan.strategy) + ", memory block " +
                    HumanSize(plan.block_size) + "\n";
  for (const CarvePlan& c : plan.carves) {
    for (const RegionPlan& r : c.regions) {
      out += "  " + r.region.name + " " + Describe(r.region.range) + ": " + RegionActionName(r.action);
      if (!r.online.empty()) out += ", online " + Describe(r.online);
      if (r.reason != Reason::kNone) out += " (" + Why(r) + ")";
      out += "\n";
    }
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
