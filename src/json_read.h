// SPDX-License-Identifier: GPL-2.0-or-later
// The one JSON reader of the program: `status`, `release` and `keep-link` read the
// handoff record this boot wrote (JsonWriter's output) back through it.
// Never throws; any text that is not one JSON value (or nests deeper than
// kMaxJsonDepth) is an error with the byte offset where it went wrong.
#ifndef PMEMRECLAIM_JSON_READ_H_
#define PMEMRECLAIM_JSON_READ_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "size.h"

namespace pmemreclaim {

constexpr int kMaxJsonDepth = 64;

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;  // a string's value (escapes decoded), or a number as written
  std::vector<JsonValue> items;                              // an array's
  std::vector<std::pair<std::string, JsonValue>> members;   // an object's, in order

  // The member `key` of an object (the first of that name), or nullptr.
  const JsonValue* Find(const std::string& key) const;
  // A number that is a whole number from 0 to 2^64-1, as written (no sign, fraction or exponent).
  std::optional<u64> Unsigned() const;
  bool IsNull() const { return type == Type::kNull; }
};

std::optional<JsonValue> ParseJson(const std::string& text, std::string* err);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_JSON_READ_H_
