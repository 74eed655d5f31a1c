// SPDX-License-Identifier: GPL-2.0-or-later
// A half-open physical address range [start, end).
#ifndef PMEMRECLAIM_RANGE_H_
#define PMEMRECLAIM_RANGE_H_

#include <algorithm>
#include <string>
#include <vector>

#include "size.h"

namespace pmemreclaim {

struct Range {
  u64 start = 0;
  u64 end = 0;

  static Range FromSize(u64 start, u64 size) { return Range{start, start + size}; }
  u64 size() const { return end > start ? end - start : 0; }
  bool empty() const { return end <= start; }
  bool Contains(u64 addr) const { return addr >= start && addr < end; }
  bool Contains(const Range& r) const { return r.empty() || (r.start >= start && r.end <= end); }
  bool Overlaps(const Range& r) const { return !empty() && !r.empty() && r.start < end && start < r.end; }
  Range Intersect(const Range& r) const {
    Range i{std::max(start, r.start), std::min(end, r.end)};
    return i.empty() ? Range{} : i;
  }
  bool operator==(const Range& o) const { return start == o.start && end == o.end; }
  bool operator!=(const Range& o) const { return !(*this == o); }
};

// The largest sub-range of `r` whose ends are multiples of `align`
// (a power of two); empty when there is none.
inline Range AlignInward(const Range& r, u64 align) {
  const Range in{AlignUp(r.start, align), AlignDown(r.end, align)};
  return in.empty() ? Range{} : in;
}

// "[0x100000000-0x17fffffff]" as in /proc/iomem (inclusive end).
std::string Describe(const Range& r);

// Sorts and merges touching or overlapping ranges.
std::vector<Range> Merge(std::vector<Range> ranges);

// True when `r` lies inside the union of `ranges`.
bool Covered(const Range& r, const std::vector<Range>& ranges);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_RANGE_H_
