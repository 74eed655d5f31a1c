// SPDX-License-Identifier: GPL-2.0-or-later
#include "handoff.h"

#include "mark.h"
#include "report.h"
#include "version.h"

namespace pmemreclaim {

std::optional<bool> Preserved(Strategy strategy, const CarvePlan& carve) {
  std::optional<bool> found;
  for (const RegionPlan& r : carve.regions) {
    if (strategy == Strategy::kLegacy) {
      if (r.action == RegionAction::kReuseDevdax) return true;
      if (r.action == RegionAction::kCreateDevdax) found = false;
    } else if (strategy == Strategy::kRamdax && r.action != RegionAction::kLeave) {
      for (const NamespaceInfo& n : r.region.namespaces) {
        if (n.alt_name == kKeepNamespaceName && HasMark(n.uuid, MarkRole::kKeepNamespace, n.range)) return true;
        if (n.alt_name == kDaxNamespaceName && HasMark(n.uuid, MarkRole::kDaxNamespace, n.range)) return true;
      }
      found = false;
    }
  }
  return found;
}

std::string StateJson(const Outcome& o) {
  std::string out = "{\"version\":" + std::to_string(kStateVersion) + ",\"pmemreclaim_version\":" +
                    JsonString(Version()) + ",\"strategy\":" +
                    JsonString(StrategyName(o.strategy)) + ",\"ok\":" + (o.ok() ? "true" : "false") +
                    ",\"error\":" + JsonString(o.error) + ",\"carves\":[";
  const size_t n = o.plan ? o.plan->carves.size() : 0;
  for (size_t i = 0; i < n; ++i) {
    const CarvePlan& c = o.plan->carves[i];
    std::string devices, online, errors;
    for (const RegionPlan& r : c.regions) {
      for (const RegionOutcome& ro : o.regions) {
        if (ro.region != r.region.name) continue;
        if (!ro.kept_device.empty()) devices += (devices.empty() ? "" : ",") + JsonString(ro.kept_device);
        if (!ro.online_device.empty()) online += (online.empty() ? "" : ",") + JsonString(ro.online_device);
        if (!ro.ok) errors += (errors.empty() ? "" : ",") + JsonString(ro.message);
      }
    }
    const u64 onlined = i < o.kmem_bytes.size() ? o.kmem_bytes[i] : 0;
    const std::optional<bool> preserved = Preserved(o.strategy, c);
    out += std::string(i ? "," : "") + "{\"range\":" + JsonRange(c.range) + ",\"strategy\":" +
           JsonString(StrategyName(o.strategy)) + ",\"kept\":" + JsonRange(c.kept) + ",\"kept_devices\":[" + devices +
           "],\"online_devices\":[" + online + "],\"onlined\":" + std::to_string(onlined) +
           ",\"lost\":" + std::to_string(c.range.size() - c.kept.size() - onlined) + ",\"preserved\":" +
           (preserved ? (*preserved ? "true" : "false") : "null") + ",\"errors\":[" + errors +
           "],\"regions\":" + CarveRegionsJson(c, o.regions) + "}";
  }
  return out + "],\"skipped\":" + SkippedJson(o.skipped) + "}";
}

namespace {

// The names in every list `"key":[..]` of a record.
std::vector<std::string> NamesInRecord(const std::string& record, const std::string& name) {
  std::vector<std::string> out;
  const std::string key = "\"" + name + "\":[";
  for (size_t at = record.find(key); at != std::string::npos; at = record.find(key, at)) {
    at += key.size();
    const size_t end = record.find(']', at);
    if (end == std::string::npos) break;
    // Names pmemreclaim wrote: "namespace0.0", "dax0.0" (no quotes or escapes in them).
    for (size_t q = record.find('"', at); q != std::string::npos && q < end; q = record.find('"', q)) {
      const size_t close = record.find('"', q + 1);
      if (close == std::string::npos || close > end) break;
      out.push_back(record.substr(q + 1, close - q - 1));
      q = close + 1;
    }
    at = end;
  }
  return out;
}

}  // namespace

std::vector<std::string> KeptDevicesInRecord(const std::string& record) { return NamesInRecord(record, "kept_devices"); }

std::vector<std::string> OnlineDevicesInRecord(const std::string& record) {
  return NamesInRecord(record, "online_devices");
}

std::vector<std::string> KeepLinkNames(size_t index, size_t count) {
  std::vector<std::string> out{"pmemreclaim/keep" + std::to_string(index)};
  if (count == 1) out.push_back("pmemreclaim/keep");
  return out;
}

std::string FailedStateJson(const std::string& error) {
  return "{\"version\":" + std::to_string(kStateVersion) + ",\"pmemreclaim_version\":" + JsonString(Version()) +
         ",\"strategy\":\"off\",\"ok\":false,\"error\":" +
         JsonString(error) + ",\"carves\":[],\"skipped\":[]}";
}

}  // namespace pmemreclaim
