// SPDX-License-Identifier: GPL-2.0-or-later
#include "json_read.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "json.h"
#include "json_test_values.h"

namespace pmemreclaim {
namespace {

// The reader's value as an nlohmann value (numbers: u64 when they are such, else the text as a double).
nlohmann::json ToNlohmann(const JsonValue& v) {
  switch (v.type) {
    case JsonValue::Type::kNull: return nullptr;
    case JsonValue::Type::kBool: return v.boolean;
    case JsonValue::Type::kNumber: {
      if (auto n = v.Unsigned()) return *n;
      return std::stod(v.text);
    }
    case JsonValue::Type::kString: return v.text;
    case JsonValue::Type::kArray: {
      nlohmann::json a = nlohmann::json::array();
      for (const JsonValue& x : v.items) a.push_back(ToNlohmann(x));
      return a;
    }
    case JsonValue::Type::kObject: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& [k, x] : v.members) o[k] = ToNlohmann(x);
      return o;
    }
  }
  return nullptr;
}

JsonValue Parsed(const std::string& text) {
  std::string err;
  auto v = ParseJson(text, &err);
  INFO(text << ": " << err);
  REQUIRE(v);
  return *v;
}

std::string ErrorOf(const std::string& text) {
  std::string err;
  CHECK_FALSE(ParseJson(text, &err));
  return err;
}

TEST_CASE("json reader, property: nlohmann's text (compact and indented) and the writer's parse to the same value") {
  std::mt19937_64 rng(20261206);
  for (int i = 0; i < 2000; ++i) {
    const nlohmann::json v = RandomValue(rng, 0);
    for (const std::string& text : {v.dump(), v.dump(2)}) {
      INFO(text);
      CHECK(ToNlohmann(Parsed(text)) == v);
    }
  }
}

TEST_CASE("json reader: the record's shapes") {
  const JsonValue v = Parsed(
      R"({"version":1,"ok":true,"error":"","carves":[{"range":{"start":4294967296,"size":2147483648},)"
      R"("preserved":null,"kept_devices":["namespace0.0"]}]})");
  REQUIRE(v.Find("version"));
  CHECK(v.Find("version")->Unsigned() == 1u);
  CHECK(v.Find("ok")->boolean);
  CHECK(v.Find("missing") == nullptr);
  const JsonValue& carve = v.Find("carves")->items.at(0);
  CHECK(carve.Find("range")->Find("start")->Unsigned() == 4294967296u);
  CHECK(carve.Find("preserved")->IsNull());
  CHECK(carve.Find("kept_devices")->items.at(0).text == "namespace0.0");
}

TEST_CASE("json reader: numbers, escapes, unicode") {
  CHECK(Parsed("18446744073709551615").Unsigned() == UINT64_MAX);
  CHECK_FALSE(Parsed("18446744073709551616").Unsigned());  // one more than u64 holds: a number, not a u64
  CHECK_FALSE(Parsed("-1").Unsigned());
  CHECK_FALSE(Parsed("1.5").Unsigned());
  CHECK(Parsed("-0.5e+3").text == "-0.5e+3");
  CHECK(Parsed(R"("a\"b\\c\/d\b\f\n\r\t")").text == "a\"b\\c/d\b\f\n\r\t");
  CHECK(Parsed(R"("\u00e9\u20ac\ud83d\ude00")").text == "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  CHECK(Parsed("\"\xff raw bytes\"").text == "\xff raw bytes");  // as the writer passes them
  CHECK(Parsed(" \t\r\n[ ] ").items.empty());
  CHECK(Parsed(JsonString(std::string("x\x01y", 3))).text == std::string("x\x01y", 3));
}

TEST_CASE("json reader: not JSON is an error with where, never a value") {
  CHECK(ErrorOf("") == "not JSON: a value expected at byte 0");
  CHECK(ErrorOf("{\"a\":1") == "not JSON: ',' or '}' expected at byte 6");
  CHECK(ErrorOf("[1,]") == "not JSON: not a JSON value at byte 3");
  CHECK(ErrorOf("01") == "not JSON: text after the value at byte 1");
  CHECK(ErrorOf("{1:2}") == "not JSON: a key expected at byte 1");
  CHECK(ErrorOf("tru") == "not JSON: not a JSON value at byte 0");
  CHECK(ErrorOf("\"abc") == "not JSON: a string without its closing quote at byte 4");
  CHECK(ErrorOf("\"a\nb\"") == "not JSON: a control character in a string at byte 3");
  CHECK(ErrorOf(R"("\x")") == "not JSON: an unknown escape in a string at byte 3");
  CHECK(ErrorOf(R"("\ud83d")") == "not JSON: a lone surrogate in a \\u escape at byte 7");
  CHECK(ErrorOf(R"("\u12zz")") == "not JSON: not a hex digit in a \\u escape at byte 6");
  CHECK(ErrorOf(R"("\u12")") == "not JSON: a \\u escape cut short at byte 3");
  CHECK(ErrorOf("-") == "not JSON: a digit expected at byte 1");
  CHECK(ErrorOf("1.") == "not JSON: a digit expected at byte 2");
  CHECK(ErrorOf("{} {}") == "not JSON: text after the value at byte 3");
  // kMaxJsonDepth arrays in one another parse; one more is an error where it opens
  std::string deep(kMaxJsonDepth + 1, '[');
  deep += std::string(kMaxJsonDepth + 1, ']');
  CHECK(ErrorOf(deep) == "not JSON: nested too deep at byte 64");
  std::string ok(kMaxJsonDepth, '[');
  ok += std::string(kMaxJsonDepth, ']');
  CHECK(Parsed(ok).type == JsonValue::Type::kArray);
}

TEST_CASE("json reader, property: any prefix of a valid text but itself is an error, never a crash") {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 300; ++i) {
    const std::string text = RandomValue(rng, 0).dump();
    for (size_t n = 0; n < text.size(); ++n) {
      std::string err;
      const auto v = ParseJson(text.substr(0, n), &err);
      // a prefix may itself be a whole value ("12" of "123"), never more than the value it is a prefix of
      if (v) CHECK(ToNlohmann(*v) == nlohmann::json::parse(text.substr(0, n)));
    }
  }
}

}  // namespace
}  // namespace pmemreclaim
