// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the JSON reader and the metrics made from a record, on arbitrary text. What parses
// must write back (JsonWriter) to a text that parses to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "json.h"
#include "json_read.h"
#include "metrics.h"

namespace {

using pmemreclaim::JsonValue;

void Write(const JsonValue& v, pmemreclaim::JsonWriter& j) {
  switch (v.type) {
    case JsonValue::Type::kNull: j.Null(); break;
    case JsonValue::Type::kBool: j.Bool(v.boolean); break;
    case JsonValue::Type::kNumber: j.Raw(v.text); break;
    case JsonValue::Type::kString: j.String(v.text); break;
    case JsonValue::Type::kArray:
      j.BeginArray();
      for (const JsonValue& x : v.items) Write(x, j);
      j.EndArray();
      break;
    case JsonValue::Type::kObject:
      j.BeginObject();
      for (const auto& [k, x] : v.members) {
        j.Key(k);
        Write(x, j);
      }
      j.EndObject();
      break;
  }
}

bool Same(const JsonValue& a, const JsonValue& b) {
  if (a.type != b.type || a.boolean != b.boolean || a.text != b.text || a.items.size() != b.items.size() ||
      a.members.size() != b.members.size()) {
    return false;
  }
  for (size_t i = 0; i < a.items.size(); ++i) {
    if (!Same(a.items[i], b.items[i])) return false;
  }
  for (size_t i = 0; i < a.members.size(); ++i) {
    if (a.members[i].first != b.members[i].first || !Same(a.members[i].second, b.members[i].second)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string err;
  if (auto v = pmemreclaim::ParseJson(text, &err)) {
    pmemreclaim::JsonWriter j;
    Write(*v, j);
    const auto again = pmemreclaim::ParseJson(j.str(), &err);
    if (!again || !Same(*v, *again)) abort();
  } else if (err.empty()) {
    abort();  // an error always says what and where
  }
  pmemreclaim::StatusView view;
  view.record = text;
  (void)pmemreclaim::PrometheusText(view);
  return 0;
}
