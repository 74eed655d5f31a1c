// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the planners on arbitrary geometry (carves, block size,
// dax alignment, keep, regions that are not carves) must keep their
// promises: nothing onlined or written inside the kept range, onlined ranges
// block aligned, bytes add up, a region that is not a carve never planned.
#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "nextboot.h"
#include "plan.h"

namespace {

using pmemreclaim::u64;

struct Reader {
  const uint8_t* data;
  size_t size;
  u64 Next() {
    u64 v = 0;
    const size_t n = size < 8 ? size : 8;
    std::memcpy(&v, data, n);
    data += n;
    size -= n;
    return v;
  }
};

[[noreturn]] void Broken(const char* promise) {
  std::fprintf(stderr, "plan_fuzz: broken promise: %s\n", promise);
  abort();
}

void Check(const pmemreclaim::Plan& plan, u64 keep_start, u64 keep, u64 block) {
  const pmemreclaim::Range kept{keep_start, keep > ~u64{0} - keep_start ? ~u64{0} : keep_start + keep};
  for (const pmemreclaim::CarvePlan& c : plan.carves) {
    if (c.KeptBytes() + c.onlined + c.lost != c.range.size()) Broken("kept + onlined + lost = carve");
    for (const pmemreclaim::RegionPlan& r : c.regions) {
      if (!r.region.carve) Broken("only carves are planned");
      if (r.online.empty()) continue;
      if (r.online.start % block != 0 || r.online.end % block != 0) Broken("online block aligned");
      if (keep > 0 && r.online.Overlaps(kept)) Broken("nothing onlined in the kept range");
      // (hmem writes no info block: its kept device is at the region start by design.)
      if (keep > 0 && r.action == pmemreclaim::RegionAction::kCreateDevdax && !r.region.labelled &&
          plan.strategy != pmemreclaim::Strategy::kHmem &&
          r.region.range.Overlaps(kept))
        Broken("no info block in the kept range");
      if (!r.dax_extent.empty() && (r.dax_extent.Overlaps(kept) || r.dax_extent.start % r.dax_align != 0))
        Broken("devdax namespace aligned and outside the kept range");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in{data, size};
  pmemreclaim::Geometry m;
  m.block_size = u64{1} << (21 + in.Next() % 12);  // 2 MiB .. 4 GiB
  m.dax_align = u64{1} << (12 + in.Next() % 19);   // 4 KiB .. 1 GiB
  const u64 keep = in.Next() % (u64{1} << 36);
  u64 at = in.Next() % (u64{1} << 40);
  const int n = 1 + static_cast<int>(in.Next() % 4);
  for (int i = 0; i < n; ++i) {
    const u64 len = 1 + in.Next() % (u64{1} << 35);
    at += in.Next() % 2 == 0 ? 0 : in.Next() % (u64{1} << 30);  // adjacent or a gap
    m.regions.push_back(pmemreclaim::RawRegion("region" + std::to_string(i), pmemreclaim::Range::FromSize(at, len)));
    m.regions.back().carve = in.Next() % 4 != 0;  // some NFIT / virtio-pmem regions among them
    at += len;
  }
  u64 first = ~u64{0};
  for (const auto& r : m.regions) {
    if (r.carve && r.range.start < first) first = r.range.start;
  }
  Check(pmemreclaim::PlanLegacy(m, keep), first, keep, m.block_size);
  Check(pmemreclaim::PlanHmem(m, keep), first, keep, m.block_size);
  for (auto& r : m.regions) r.labelled = true;
  Check(pmemreclaim::PlanRamdax(m, keep), first, keep, m.block_size);
  return 0;
}
