// SPDX-License-Identifier: GPL-2.0-or-later
// The carve to use on the next boot: an offline calculation (no system
// access) of what each strategy onlines and loses on a carve, the carve
// that would lose the least, and what reclaiming the kept range later
// (apply with keep 0 once the data is consumed) would win back.
#ifndef PMEMRECLAIM_NEXTBOOT_H_
#define PMEMRECLAIM_NEXTBOOT_H_

#include <string>
#include <vector>

#include "cmdline.h"
#include "plan.h"
#include "slices.h"

namespace pmemreclaim {

struct NextBootInput {
  Arch arch = Arch::kX86_64;
  u64 block_size = 128 * kMiB;
  u64 dax_align = 2 * kMiB;
  u64 keep = 0;
  // --keep=NAME:SIZE[@ALIGN],...: named slices (slice_plan.h) instead of keep
  std::vector<SliceSpec> slices;
  std::vector<Range> carves;
  std::vector<Range> ram;  // where a carve may go; empty: only inside the given carves
};

struct Estimate {
  Strategy strategy = Strategy::kLegacy;
  bool available = true;  // hmem: x86 only
  u64 kept = 0, onlined = 0, lost = 0;  // on the carves as given
  std::vector<Range> advice;            // the carve(s) that lose the least (empty: the given ones)
  u64 advice_onlined = 0, advice_lost = 0;
  u64 later_onlined = 0;  // extra bytes onlined by a later apply with keep 0 on the advised layout
  std::string carves_text;  // the advice (or the given carves) as kernel/device-tree syntax
};

// legacy, ramdax and hmem on the same input, in that order.
std::vector<Estimate> EstimateStrategies(const NextBootInput& in);

// "memmap=2G!4G" (legacy, ramdax), "memmap=2G%4G-1+0xefffffff" (hmem, x86),
// or device-tree pmem-region nodes (arm64).
std::string FormatCarvesFor(Arch arch, Strategy strategy, const std::vector<Range>& carves);

// `pmemreclaim plan --carve=...` arguments: --carve=SIZE!START (or
// SIZE@START; repeatable), --block=SIZE, --page=SIZE (the dax alignment is
// its PMD size) or --dax-align=SIZE, --arch=x86_64|arm64, --ram=START-END
// (repeatable), --keep=SIZE or --keep=SLICES (slices.h), --json.  False with *err on a bad argument.
bool ParseNextBootArgs(const std::vector<std::string>& args, NextBootInput* in, bool* json, std::string* err);

std::string EstimatesText(const NextBootInput& in, const std::vector<Estimate>& estimates);
std::string EstimatesJson(const NextBootInput& in, const std::vector<Estimate>& estimates);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_NEXTBOOT_H_
