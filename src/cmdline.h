// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel command line contract: pmemreclaim=, pmemreclaim.keep=, ...
// Parsing is pure; anything wrong is reported, and a command line with any
// error must lead to "touch nothing, hand off".
#ifndef PMEMRECLAIM_CMDLINE_H_
#define PMEMRECLAIM_CMDLINE_H_

#include <string>
#include <string_view>
#include <vector>

#include "memory_block.h"
#include "size.h"
#include "slices.h"
#include "strategy.h"

namespace pmemreclaim {


constexpr unsigned kDefaultTimeoutSeconds = 60;

struct Options {
  // True when the command line names `pmemreclaim=`; without it the
  // program must touch nothing and hand off at once.
  bool requested = false;
  Strategy strategy = Strategy::kOff;
  u64 keep = 0;
  // pmemreclaim.keep=NAME:SIZE[@ALIGN],...: named kept slices (slices.h),
  // laid out in order from the lowest carve's start; empty for the plain
  // SIZE form (`keep`).
  std::vector<SliceSpec> slices;
  Zone zone = Zone::kMovable;
  MemmapOnMemory memmap_on_memory = MemmapOnMemory::kAuto;
  bool dry_run = false;
  // The boot job (PID 1, or `pmemreclaim boot` in an initramfs hook): not
  // from the command line.  Lets the label-less look force carve
  // namespaces raw while nd_pmem loads (force_raw.h).
  bool early = false;
  unsigned timeout_seconds = kDefaultTimeoutSeconds;
  std::string init;  // pmemreclaim.init=; empty means the default search
  // `elfcorehdr=` is on the command line: a kdump capture kernel, whose
  // carves may hold the crashed kernel's memory while the dump is taken.
  // Nothing is changed there (InCaptureKernel in reclaim.h).
  bool capture_kernel = false;
  // One line per bad option.  Non-empty means: change nothing.
  std::vector<std::string> errors;
};

// Splits a command line into parameters the way the kernel's next_arg()
// does: blanks separate, double quotes group, and "--" ends the kernel's
// parameters (what follows belongs to init).
std::vector<std::string> SplitCommandLine(std::string_view cmdline);

// Reads every pmemreclaim option of a kernel command line.  Unknown
// pmemreclaim.* keys, bad values and conflicting duplicates are errors.
Options ParseCommandLine(std::string_view cmdline);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_CMDLINE_H_
