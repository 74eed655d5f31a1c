// SPDX-License-Identifier: GPL-2.0-or-later
// The one JSON writer: the handoff record, `apply --json`, `plan --json`,
// `status --json` and the next-boot estimates are written through it, in
// order, each string escaped once.  Not nlohmann-json, which the tests read
// JSON with: measured with the pinned zig, a static program that writes a
// small object through nlohmann is 33 KB larger stripped than the same with
// strings (274280 against 240928 bytes), while this writer made pmemreclaim
// 37 KB smaller than the concatenation it replaced (956752 -> 919184 bytes,
// x86_64); and nlohmann's dump() throws on a string that is not UTF-8 (a
// label someone else wrote), which in PID 1 would be a kernel panic.
#ifndef PMEMRECLAIM_JSON_H_
#define PMEMRECLAIM_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "range.h"
#include "size.h"

namespace pmemreclaim {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The key of the next value in an object.
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view s);
  JsonWriter& Number(u64 n);
  JsonWriter& Bool(bool b);
  JsonWriter& Null();
  // {"start":N,"size":N}
  JsonWriter& RangeValue(const Range& r);
  // A JSON text written elsewhere (the record, embedded by `status`), as it is.
  JsonWriter& Raw(std::string_view json);

  // Key and value in one call.
  template <typename T>
  JsonWriter& Field(std::string_view key, const T& value) {
    Key(key);
    return Value(value);
  }

  const std::string& str() const { return out_; }

 private:
  JsonWriter& Value(std::string_view s) { return String(s); }
  JsonWriter& Value(const std::string& s) { return String(s); }
  JsonWriter& Value(const char* s) { return String(s); }
  JsonWriter& Value(bool b) { return Bool(b); }
  JsonWriter& Value(int n) { return Number(static_cast<u64>(n < 0 ? 0 : n)); }
  JsonWriter& Value(u64 n) { return Number(n); }
  JsonWriter& Value(const Range& r) { return RangeValue(r); }
  void Separate();  // the comma before a value or key, where one is due

  std::string out_;
  std::vector<bool> first_;  // per open object or array: nothing written in it yet
  bool after_key_ = false;
};

// "\"...\"": s as a JSON string (quotes, backslashes and control characters escaped).
std::string JsonString(std::string_view s);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_JSON_H_
