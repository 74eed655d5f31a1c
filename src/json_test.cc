// SPDX-License-Identifier: GPL-2.0-or-later
#include "json.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "json_test_values.h"

namespace pmemreclaim {
namespace {

TEST_CASE("json writer: commas, nesting, keys, ranges, raw text") {
  JsonWriter j;
  j.BeginObject()
      .Field("a", u64{1})
      .Field("s", "x\"y")
      .Key("list")
      .BeginArray()
      .Number(1)
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .Null()
      .EndArray()
      .Field("r", Range{4096, 8192})
      .Key("raw")
      .Raw("{\"version\":1}")
      .Field("ok", true)
      .EndObject();
  CHECK(j.str() ==
        R"({"a":1,"s":"x\"y","list":[1,{},[],null],"r":{"start":4096,"size":4096},"raw":{"version":1},"ok":true})");
}

// Writes `v` (an nlohmann value) through the writer.
void Write(const nlohmann::json& v, JsonWriter& j) {
  if (v.is_object()) {
    j.BeginObject();
    for (const auto& [k, x] : v.items()) {
      j.Key(k);
      Write(x, j);
    }
    j.EndObject();
  } else if (v.is_array()) {
    j.BeginArray();
    for (const auto& x : v) Write(x, j);
    j.EndArray();
  } else if (v.is_string()) {
    j.String(v.get<std::string>());
  } else if (v.is_boolean()) {
    j.Bool(v.get<bool>());
  } else if (v.is_null()) {
    j.Null();
  } else {
    j.Number(v.get<u64>());
  }
}

TEST_CASE("json writer, property: what it writes parses back to the same value") {
  std::mt19937_64 rng(20261205);
  for (int i = 0; i < 2000; ++i) {
    const nlohmann::json v = RandomValue(rng, 0);
    JsonWriter j;
    Write(v, j);
    INFO(j.str());
    CHECK(nlohmann::json::parse(j.str()) == v);
  }
}

}  // namespace
}  // namespace pmemreclaim
