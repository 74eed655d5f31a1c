// SPDX-License-Identifier: GPL-2.0-or-later
#include "size.h"

namespace pmemreclaim {
namespace {

// Value of one digit in `base`, or -1.
int DigitValue(char c, unsigned base) {
  int v = -1;
  if (c >= '0' && c <= '9') v = c - '0';
  else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
  else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
  return v >= 0 && static_cast<unsigned>(v) < base ? v : -1;
}

// Parses digits of `text` in `base` into *out; false on empty or overflow
// or a stray character.
bool ParseDigits(std::string_view text, unsigned base, u64* out) {
  if (text.empty()) return false;
  u64 value = 0;
  for (char c : text) {
    const int d = DigitValue(c, base);
    if (d < 0) return false;
    if (value > (~u64{0} - static_cast<u64>(d)) / base) return false;
    value = value * base + static_cast<u64>(d);
  }
  *out = value;
  return true;
}

}  // namespace

std::optional<u64> ParseNumber(std::string_view text) {
  u64 value = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    if (!ParseDigits(text.substr(2), 16, &value)) return std::nullopt;
  } else if (text.size() > 1 && text[0] == '0') {
    if (!ParseDigits(text.substr(1), 8, &value)) return std::nullopt;
  } else if (!ParseDigits(text, 10, &value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<u64> ParseSize(std::string_view text) {
  if (text.empty()) return std::nullopt;
  unsigned shift = 0;
  // A trailing letter is a suffix unless it is a hex digit of a 0x number.
  const bool is_hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const char last = text.back();
  switch (last) {
    case 'e': case 'E': shift = is_hex ? 0 : 60; break;
    case 'p': case 'P': shift = 50; break;
    case 't': case 'T': shift = 40; break;
    case 'g': case 'G': shift = 30; break;
    case 'm': case 'M': shift = 20; break;
    case 'k': case 'K': shift = 10; break;
    default: break;
  }
  if (shift != 0) text.remove_suffix(1);
  const std::optional<u64> number = ParseNumber(text);
  if (!number) return std::nullopt;
  if (shift != 0 && *number > (~u64{0} >> shift)) return std::nullopt;
  return *number << shift;
}

std::optional<u64> ParseHex(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  u64 value = 0;
  if (!ParseDigits(text, 16, &value)) return std::nullopt;
  return value;
}

std::string HumanSize(u64 bytes) {
  static constexpr struct { u64 unit; const char* name; } kUnits[] = {
      {u64{1} << 40, "TiB"}, {kGiB, "GiB"}, {kMiB, "MiB"}, {kKiB, "KiB"}};
  for (const auto& u : kUnits) {
    if (bytes != 0 && bytes % u.unit == 0) return std::to_string(bytes / u.unit) + " " + u.name;
  }
  return std::to_string(bytes) + " B";
}

std::string KernelSize(u64 bytes) {
  static constexpr struct { u64 unit; const char* suffix; } kUnits[] = {
      {u64{1} << 40, "T"}, {kGiB, "G"}, {kMiB, "M"}, {kKiB, "K"}};
  for (const auto& u : kUnits) {
    if (bytes != 0 && bytes % u.unit == 0) return std::to_string(bytes / u.unit) + u.suffix;
  }
  return Hex(bytes);
}

std::string Hex(u64 value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[value & 0xf]);
    value >>= 4;
  } while (value != 0);
  return "0x" + out;
}

}  // namespace pmemreclaim
