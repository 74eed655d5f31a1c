// SPDX-License-Identifier: GPL-2.0-or-later
// /proc/iomem: the kernel's map of physical address space.
#ifndef PMEMRECLAIM_IOMEM_H_
#define PMEMRECLAIM_IOMEM_H_

#include <string>
#include <string_view>
#include <vector>

#include "range.h"
#include "system.h"

namespace pmemreclaim {

struct IomemEntry {
  Range range;
  std::string name;  // "System RAM", "Persistent Memory (legacy)", ...
  int depth = 0;     // nesting level (two spaces per level)
};

// Parses /proc/iomem text.  Lines that do not parse are skipped (the file
// is the kernel's; a reader must not trust every line to be well formed).
// Ranges read as zero (an unprivileged reader) are kept as they are.
std::vector<IomemEntry> ParseIomem(std::string_view text);

// Every entry named exactly `name`, at any depth.
std::vector<Range> FindIomem(const std::vector<IomemEntry>& entries, std::string_view name);

// The entries pmemreclaim looks up, by what they are:
// memory kmem added ("System RAM (kmem)"),
std::vector<Range> KmemRanges(const std::vector<IomemEntry>& entries);
// x86 memmap=nn!ss carves ("Persistent Memory (legacy)"; arm64 device-tree
// carves have no entry),
std::vector<Range> LegacyCarveRanges(const std::vector<IomemEntry>& entries);
// boot memory ("System RAM" at the top level),
std::vector<Range> SystemRamRanges(const std::vector<IomemEntry>& entries);
// and the kernel's own code ("Kernel code").
std::vector<Range> KernelCodeRanges(const std::vector<IomemEntry>& entries);

// /proc/iomem of this system, parsed (empty when it can't be read).
std::vector<IomemEntry> ReadIomem(SystemInterface& sys);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_IOMEM_H_
