// SPDX-License-Identifier: GPL-2.0-or-later
// The info blocks the kernel looks for at the start of a label-less
// namespace before it attaches it as plain pmem: a pfn (fsdax) or dax
// (devdax) info block, or a BTT arena.  Pure.
#ifndef PMEMRECLAIM_INFO_BLOCK_H_
#define PMEMRECLAIM_INFO_BLOCK_H_

#include <string_view>

#include "size.h"

namespace pmemreclaim {

// How much of a namespace's start the kernel's probes read: the pfn, dax
// and BTT 1.1 info blocks lie at offset 4096, a BTT 2.0 one at 0.
constexpr u64 kInfoBlockArea = 8 * kKiB;

enum class InfoBlock {
  kNone,        // no signature: the kernel would attach the namespace raw
  kDax,         // "NVDIMM_DAX_INFO"
  kPfn,         // "NVDIMM_PFN_INFO"
  kBtt,         // "BTT_ARENA_INFO"
  kUnreadable,  // less than kInfoBlockArea bytes: can't tell
};

// What a namespace's first kInfoBlockArea bytes hold, by signature alone
// (not checksum or uuid), any of the three at 4096 or at 0: anything but
// kNone is for the kernel to judge.
InfoBlock FindInfoBlock(std::string_view start);

// "a devdax info block", "no info block", ...
const char* InfoBlockName(InfoBlock b);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_INFO_BLOCK_H_
