// /proc/iomem: the kernel's map of physical address space.
#ifndef PMEMRECLAIM_IOMEM_H_
#define PMEMRECLAIM_IOMEM_H_

#include <string>
#include <string_view>
#include <vector>

#include "range.h"

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

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_IOMEM_H_
