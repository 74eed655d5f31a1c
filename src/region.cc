// SPDX-License-Identifier: GPL-2.0-or-later
#include "region.h"

#include <algorithm>

namespace pmemreclaim {

std::vector<RegionInfo> SortedRegions(std::vector<RegionInfo> regions) {
  std::sort(regions.begin(), regions.end(),
            [](const RegionInfo& a, const RegionInfo& b) { return a.range.start < b.range.start; });
  return regions;
}

std::vector<RegionInfo> CarveRegions(const std::vector<RegionInfo>& regions) {
  std::vector<RegionInfo> out;
  for (const RegionInfo& r : regions) {
    if (r.carve) out.push_back(r);
  }
  return SortedRegions(std::move(out));
}

}  // namespace pmemreclaim
