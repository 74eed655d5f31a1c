// SPDX-License-Identifier: GPL-2.0-or-later
#include "info_block.h"

namespace pmemreclaim {

namespace {

// The kernel compares 16 bytes: the name and its NUL padding.
constexpr std::string_view kDaxSignature("NVDIMM_DAX_INFO\0", 16);
constexpr std::string_view kPfnSignature("NVDIMM_PFN_INFO\0", 16);
constexpr std::string_view kBttSignature("BTT_ARENA_INFO\0\0", 16);

InfoBlock SignatureAt(std::string_view start, size_t offset) {
  const std::string_view sig = start.substr(offset, 16);
  if (sig == kDaxSignature) return InfoBlock::kDax;
  if (sig == kPfnSignature) return InfoBlock::kPfn;
  if (sig == kBttSignature) return InfoBlock::kBtt;
  return InfoBlock::kNone;
}

}  // namespace

InfoBlock FindInfoBlock(std::string_view start) {
  if (start.size() < kInfoBlockArea) return InfoBlock::kUnreadable;
  for (size_t offset : {size_t{4096}, size_t{0}}) {
    const InfoBlock b = SignatureAt(start, offset);
    if (b != InfoBlock::kNone) return b;
  }
  return InfoBlock::kNone;
}

const char* InfoBlockName(InfoBlock b) {
  switch (b) {
    case InfoBlock::kNone: return "no info block";
    case InfoBlock::kDax: return "a devdax info block";
    case InfoBlock::kPfn: return "an fsdax (pfn) info block";
    case InfoBlock::kBtt: return "a BTT info block";
    case InfoBlock::kUnreadable: return "an unreadable start";
  }
  return "?";
}

}  // namespace pmemreclaim
