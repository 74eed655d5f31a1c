// SPDX-License-Identifier: GPL-2.0-or-later
// Is an e820 type-12 range RAM carved out (memmap=nn!ss: pmemreclaim's to
// reclaim) or firmware persistent memory (an NVDIMM-N platform's real pmem:
// never touched)?  The kernel's /sys/firmware/memmap keeps the firmware's
// own map, before memmap= edits: a carve is listed there as System RAM.
#ifndef PMEMRECLAIM_FIRMWARE_MAP_H_
#define PMEMRECLAIM_FIRMWARE_MAP_H_

#include <string>
#include <string_view>
#include <vector>

#include "range.h"
#include "system.h"

namespace pmemreclaim {

constexpr char kFirmwareMap[] = "/sys/firmware/memmap";

struct FirmwareMapEntry {
  Range range;
  std::string type;  // "System RAM", "Persistent Memory (legacy)", "Reserved", ...
};

// The firmware's map (/sys/firmware/memmap/N/{start,end,type}; end is
// inclusive there).  Empty when the kernel has none.
std::vector<FirmwareMapEntry> ReadFirmwareMap(SystemInterface& sys);

// The `memmap=SIZE!START` carves of a kernel command line (a value may list
// several, comma-separated).
std::vector<Range> MemmapCarves(std::string_view cmdline);

// True when all of `r` is System RAM in the firmware's map, or lies in a
// memmap=!-carve of the command line.  Pure.
bool CarvedFromRam(const Range& r, const std::vector<FirmwareMapEntry>& map, const std::vector<Range>& memmap);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_FIRMWARE_MAP_H_
