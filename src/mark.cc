// SPDX-License-Identifier: GPL-2.0-or-later
#include "mark.h"

#include <cctype>
#include <cstdint>

namespace pmemreclaim {
namespace {

// splitmix64: a well-mixed 64-bit function, enough to make marks that no
// other tool writes by chance (a mark is not a secret).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

const char* RoleName(MarkRole role) {
  switch (role) {
    case MarkRole::kDevdax: return "devdax";
    case MarkRole::kKeepNamespace: return "keep-namespace";
    case MarkRole::kDaxNamespace: return "dax-namespace";
    case MarkRole::kSliceNamespace: return "slice-namespace";
  }
  return "?";
}

}  // namespace

std::string MarkUuid(MarkRole role, const Range& range) {
  uint64_t h = 0x706d656d7265636cULL;  // "pmemrecl"
  for (const char* c = RoleName(role); *c != '\0'; ++c) h = Mix(h ^ static_cast<unsigned char>(*c));
  const uint64_t hi = Mix(h ^ Mix(range.start));
  const uint64_t lo = Mix(hi ^ Mix(range.end) ^ 0x6c61696dULL);
  unsigned char b[16];
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
    b[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x80);  // version 8
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC variant
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

bool HasMark(const std::string& uuid, MarkRole role, const Range& range) {
  const std::string want = MarkUuid(role, range);
  if (uuid.size() != want.size()) return false;
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(uuid[i])) != want[i]) return false;
  }
  return true;
}

}  // namespace pmemreclaim
