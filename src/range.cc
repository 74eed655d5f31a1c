// SPDX-License-Identifier: GPL-2.0-or-later
#include "range.h"

namespace pmemreclaim {

std::string Describe(const Range& r) {
  if (r.empty()) return "[empty]";
  return "[" + Hex(r.start) + "-" + Hex(r.end - 1) + "]";
}

std::vector<Range> Merge(std::vector<Range> ranges) {
  ranges.erase(std::remove_if(ranges.begin(), ranges.end(), [](const Range& r) { return r.empty(); }), ranges.end());
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.start < b.start; });
  std::vector<Range> merged;
  for (const Range& r : ranges) {
    if (!merged.empty() && r.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, r.end);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

bool Covered(const Range& r, const std::vector<Range>& ranges) {
  if (r.empty()) return true;
  for (const Range& m : Merge(ranges)) {
    if (m.Contains(r)) return true;
  }
  return false;
}

}  // namespace pmemreclaim
