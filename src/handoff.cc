// SPDX-License-Identifier: GPL-2.0-or-later
#include "handoff.h"

#include "json.h"
#include "json_read.h"
#include "mark.h"
#include "report.h"
#include "slices.h"
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
        if (n.alt_name.rfind(kSliceNamespacePrefix, 0) == 0 && HasMark(n.uuid, MarkRole::kSliceNamespace, n.range)) {
          return true;
        }
      }
      found = false;
    }
  }
  return found;
}

std::string StateJson(const Outcome& o) {
  JsonWriter j;
  j.BeginObject()
      .Field("version", u64{kStateVersion})
      .Field("pmemreclaim_version", Version())
      .Field("strategy", StrategyName(o.strategy))
      .Field("ok", o.ok())
      .Field("error", o.error)
      .Key("carves")
      .BeginArray();
  const size_t n = o.plan ? o.plan->carves.size() : 0;
  for (size_t i = 0; i < n; ++i) {
    const CarvePlan& c = o.plan->carves[i];
    std::vector<const RegionOutcome*> done;
    for (const RegionPlan& r : c.regions) {
      if (const RegionOutcome* ro = OutcomeOf(r, o.regions)) done.push_back(ro);
    }
    const u64 onlined = i < o.kmem_bytes.size() ? o.kmem_bytes[i] : 0;
    j.BeginObject()
        .Field("range", c.range)
        .Field("strategy", StrategyName(o.strategy))
        .Field("kept", c.kept)
        .Key("kept_devices")
        .BeginArray();
    for (const RegionOutcome* ro : done) {
      if (!ro->kept_device.empty()) j.String(ro->kept_device);
    }
    j.EndArray().Key("online_devices").BeginArray();
    for (const RegionOutcome* ro : done) {
      if (!ro->online_device.empty()) j.String(ro->online_device);
    }
    j.EndArray().Field("onlined", onlined).Field("lost", c.range.size() - c.KeptBytes() - onlined).Key("preserved");
    const std::optional<bool> preserved = Preserved(o.strategy, c);
    if (preserved) {
      j.Bool(*preserved);
    } else {
      j.Null();
    }
    j.Key("slices").BeginArray();
    for (const RegionPlan& r : c.regions) {
      const RegionOutcome* ro = OutcomeOf(r, o.regions);
      for (size_t k = 0; k < r.slices.size(); ++k) {
        const std::string device = ro != nullptr && k < ro->slice_devices.size() ? ro->slice_devices[k] : "";
        j.BeginObject()
            .Field("name", r.slices[k].name)
            .Field("range", r.slices[k].range)
            .Field("align", r.slices[k].align)
            .Field("device", device)
            .Key("preserved");
        // no device: not there; else what the carve's layout says (null: can't tell)
        if (device.empty()) {
          j.Bool(false);
        } else if (preserved) {
          j.Bool(*preserved);
        } else {
          j.Null();
        }
        j.EndObject();
      }
    }
    j.EndArray().Field("next_boot", FormatCarves(o.plan->arch, c.advice)).Key("errors").BeginArray();
    for (const RegionOutcome* ro : done) {
      if (!ro->ok) j.String(ro->message);
    }
    j.EndArray().Key("regions");
    WriteCarveRegions(c, o.regions, j);
    j.EndObject();
  }
  j.EndArray().Key("skipped");
  WriteSkipped(o.skipped, j);
  return j.EndObject().str();
}

namespace {

// The items of the list `name` of every carve of a record, in order (none
// when the record is not JSON).
std::vector<JsonValue> ItemsInCarves(const std::string& record, const std::string& name) {
  std::vector<JsonValue> out;
  const auto v = ParseJson(record, nullptr);
  const JsonValue* carves = v ? v->Find("carves") : nullptr;
  if (!carves) return out;
  for (const JsonValue& c : carves->items) {
    const JsonValue* list = c.Find(name);
    if (list) out.insert(out.end(), list->items.begin(), list->items.end());
  }
  return out;
}

// The strings in the list `name` of every carve of a record.
std::vector<std::string> NamesInRecord(const std::string& record, const std::string& name) {
  std::vector<std::string> out;
  for (const JsonValue& n : ItemsInCarves(record, name)) {
    if (n.type == JsonValue::Type::kString) out.push_back(n.text);
  }
  return out;
}

}  // namespace

std::vector<std::string> KeptDevicesInRecord(const std::string& record) { return NamesInRecord(record, "kept_devices"); }

std::vector<std::pair<std::string, std::string>> SliceDevicesInRecord(const std::string& record) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const JsonValue& sl : ItemsInCarves(record, "slices")) {
    const JsonValue* name = sl.Find("name");
    const JsonValue* device = sl.Find("device");
    if (name && device && name->type == JsonValue::Type::kString && device->type == JsonValue::Type::kString &&
        !device->text.empty() && IsSliceName(name->text)) {
      out.emplace_back(name->text, device->text);
    }
  }
  return out;
}

std::vector<std::string> OnlineDevicesInRecord(const std::string& record) {
  return NamesInRecord(record, "online_devices");
}

std::vector<std::string> KeepLinkNames(size_t index, size_t count) {
  std::vector<std::string> out{"pmemreclaim/keep" + std::to_string(index)};
  if (count == 1) out.push_back("pmemreclaim/keep");
  return out;
}

std::string FailedStateJson(const std::string& error) {
  Outcome nothing;  // strategy off, no plan: no carves, nothing skipped
  nothing.error = error;
  return StateJson(nothing);
}

}  // namespace pmemreclaim
