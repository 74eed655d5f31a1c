// SPDX-License-Identifier: GPL-2.0-or-later
#include "json_read.h"

#include <cstdint>

namespace pmemreclaim {

const JsonValue* JsonValue::Find(const std::string& key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::optional<u64> JsonValue::Unsigned() const {
  if (type != Type::kNumber || text.empty()) return std::nullopt;
  u64 n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const u64 d = static_cast<u64>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return std::nullopt;
    n = n * 10 + d;
  }
  return n;
}

namespace {

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}

  bool Document(JsonValue* out) {
    Space();
    if (!Value(out, 0)) return false;
    Space();
    return at_ == s_.size() || Fail("text after the value");
  }

  std::string Error() const { return error_ + " at byte " + std::to_string(at_); }

 private:
  bool Fail(const char* what) {
    if (error_.empty()) error_ = what;
    return false;
  }
  void Space() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r')) ++at_;
  }
  bool Eat(char c) {
    if (at_ < s_.size() && s_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool Word(const char* w) {
    size_t i = 0;
    while (w[i] != '\0') {
      if (at_ + i >= s_.size() || s_[at_ + i] != w[i]) return Fail("not a JSON value");
      ++i;
    }
    at_ += i;
    return true;
  }
  bool Digits() {
    const size_t from = at_;
    while (at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '9') ++at_;
    return at_ > from || Fail("a digit expected");
  }

  bool Value(JsonValue* v, int depth) {
    if (depth >= kMaxJsonDepth) return Fail("nested too deep");
    if (at_ >= s_.size()) return Fail("a value expected");
    switch (s_[at_]) {
      case '{':
        v->type = JsonValue::Type::kObject;
        return Object(v, depth);
      case '[':
        v->type = JsonValue::Type::kArray;
        return Array(v, depth);
      case '"':
        v->type = JsonValue::Type::kString;
        return String(&v->text);
      case 't':
        v->type = JsonValue::Type::kBool;
        v->boolean = true;
        return Word("true");
      case 'f':
        v->type = JsonValue::Type::kBool;
        return Word("false");
      case 'n':
        return Word("null");
      default:
        if (s_[at_] != '-' && (s_[at_] < '0' || s_[at_] > '9')) return Fail("not a JSON value");
        v->type = JsonValue::Type::kNumber;
        return Number(&v->text);
    }
  }

  bool Number(std::string* text) {
    const size_t from = at_;
    Eat('-');
    if (!Eat('0') && !Digits()) return false;
    if (Eat('.') && !Digits()) return false;
    if (Eat('e') || Eat('E')) {
      if (!Eat('+')) Eat('-');
      if (!Digits()) return false;
    }
    *text = s_.substr(from, at_ - from);
    return true;
  }

  bool Hex4(unsigned* out) {
    if (at_ + 4 > s_.size()) return Fail("a \\u escape cut short");
    unsigned n = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[at_++];
      n <<= 4;
      if (c >= '0' && c <= '9') {
        n |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        n |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        n |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        return Fail("not a hex digit in a \\u escape");
      }
    }
    *out = n;
    return true;
  }

  static void Utf8(unsigned cp, std::string* out) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xc0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xe0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      *out += static_cast<char>(0xf0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  bool String(std::string* out) {
    ++at_;  // the opening quote
    while (at_ < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[at_++]);
      if (c == '"') return true;
      if (c < 0x20) return Fail("a control character in a string");
      if (c != '\\') {
        *out += static_cast<char>(c);
        continue;
      }
      if (at_ >= s_.size()) break;
      const char e = s_[at_++];
      switch (e) {
        case '"': case '\\': case '/': *out += e; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'n': *out += '\n'; break;
        case 'r': *out += '\r'; break;
        case 't': *out += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00) {  // a high surrogate: its low half must follow
            unsigned low = 0;
            if (!Eat('\\') || !Eat('u') || !Hex4(&low) || low < 0xdc00 || low >= 0xe000) {
              return Fail("a lone surrogate in a \\u escape");
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            return Fail("a lone surrogate in a \\u escape");
          }
          Utf8(cp, out);
          break;
        }
        default:
          return Fail("an unknown escape in a string");
      }
    }
    return Fail("a string without its closing quote");
  }

  bool Array(JsonValue* v, int depth) {
    ++at_;
    Space();
    if (Eat(']')) return true;
    for (;;) {
      v->items.emplace_back();
      if (!Value(&v->items.back(), depth + 1)) return false;
      Space();
      if (Eat(']')) return true;
      if (!Eat(',')) return Fail("',' or ']' expected");
      Space();
    }
  }

  bool Object(JsonValue* v, int depth) {
    ++at_;
    Space();
    if (Eat('}')) return true;
    for (;;) {
      if (at_ >= s_.size() || s_[at_] != '"') return Fail("a key expected");
      std::string key;
      if (!String(&key)) return false;
      Space();
      if (!Eat(':')) return Fail("':' expected");
      Space();
      v->members.emplace_back(std::move(key), JsonValue{});
      if (!Value(&v->members.back().second, depth + 1)) return false;
      Space();
      if (Eat('}')) return true;
      if (!Eat(',')) return Fail("',' or '}' expected");
      Space();
    }
  }

  const std::string& s_;
  size_t at_ = 0;
  std::string error_;
};

}  // namespace

std::optional<JsonValue> ParseJson(const std::string& text, std::string* err) {
  Parser p(text);
  JsonValue v;
  if (!p.Document(&v)) {
    if (err) *err = "not JSON: " + p.Error();
    return std::nullopt;
  }
  return v;
}

}  // namespace pmemreclaim
