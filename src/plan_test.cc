// SPDX-License-Identifier: GPL-2.0-or-later
#include "mark.h"
#include "plan.h"

#include <catch2/catch.hpp>
#include <random>

using namespace pmemreclaim;

namespace {

constexpr u64 k4G = 4 * kGiB;

Geometry X86(std::vector<Range> regions, u64 block = 128 * kMiB) {
  Geometry m;
  m.block_size = block;
  for (size_t i = 0; i < regions.size(); ++i) {
    m.regions.push_back(RawRegion("region" + std::to_string(i), regions[i]));
  }
  return m;
}

}  // namespace

TEST_CASE("devdax data starts at the first aligned address after the info block") {
  CHECK(DevdaxData(Range::FromSize(k4G, 2 * kGiB), 2 * kMiB) == Range{k4G + 2 * kMiB, k4G + 2 * kGiB});
  CHECK(DevdaxData(Range::FromSize(k4G, 2 * kGiB + 3 * kMiB), 2 * kMiB) ==
        Range{k4G + 2 * kMiB, k4G + 2 * kGiB + 2 * kMiB});
  // arm64 16K pages: 32 MiB alignment.
  CHECK(DevdaxData(Range::FromSize(k4G, 2 * kGiB), 32 * kMiB) == Range{k4G + 32 * kMiB, k4G + 2 * kGiB});
  // Alignment is never below the 2 MiB subsection.
  CHECK(DevdaxData(Range::FromSize(k4G, 2 * kGiB), 4 * kKiB) == Range{k4G + 2 * kMiB, k4G + 2 * kGiB});
  // A start that is not 2 MiB aligned gets nothing (the kernel says EINVAL).
  CHECK(DevdaxData(Range::FromSize(k4G + 4 * kKiB, 2 * kGiB), 2 * kMiB).empty());
  CHECK(DevdaxData(Range::FromSize(k4G, 2 * kMiB), 2 * kMiB).empty());
}

TEST_CASE("memmap=2G!4G on 128 MiB blocks: 1920 MiB onlined, 128 MiB lost, advice loses 2 MiB") {
  const Plan p = PlanLegacy(X86({Range::FromSize(k4G, 2 * kGiB)}), 0);
  REQUIRE(p.carves.size() == 1);
  const CarvePlan& c = p.carves[0];
  CHECK(c.onlined == 1920 * kMiB);
  CHECK(c.lost == 128 * kMiB);
  REQUIRE(c.regions.size() == 1);
  CHECK(c.regions[0].action == RegionAction::kCreateDevdax);
  CHECK(c.regions[0].online == Range{k4G + 128 * kMiB, k4G + 2 * kGiB});
  // With no RAM map the advice stays inside the old carve.
  CHECK(FormatCarves(Arch::kX86_64, c.advice) == "memmap=1922M!4222M");
  CHECK(LegacyLoss(c.advice, 0, 128 * kMiB, 2 * kMiB) == 2 * kMiB);
  CHECK(SummaryLine(Arch::kX86_64, c).find("lost 128 MiB") != std::string::npos);
  CHECK(SummaryLine(Arch::kX86_64, c).find("memmap=1922M!4222M") != std::string::npos);
}

TEST_CASE("with the RAM map, the advice keeps every block of the old carve") {
  Geometry m = X86({Range::FromSize(k4G, 2 * kGiB)});
  m.ram = {Range{0, 3 * kGiB}, Range{6 * kGiB, 9 * kGiB}};  // pc, 8 GiB: hole at 3-4 GiB
  const Plan p = PlanLegacy(m, 0);
  CHECK(FormatCarves(Arch::kX86_64, p.carves[0].advice) == "memmap=2050M!4222M");
  m.ram = {Range{0, 9 * kGiB}};  // no hole: the carve may move down 2 MiB
  CHECK(FormatCarves(Arch::kX86_64, PlanLegacy(m, 0).carves[0].advice) == "memmap=2050M!4094M");
}

TEST_CASE("memmap=0x80200000!0x13FE00000: 2 GiB onlined, 2 MiB lost, no advice") {
  const Plan p = PlanLegacy(X86({Range::FromSize(0x13FE00000, 0x80200000)}), 0);
  const CarvePlan& c = p.carves.at(0);
  CHECK(c.onlined == 2 * kGiB);
  CHECK(c.lost == 2 * kMiB);
  CHECK(c.advice.empty());
  CHECK(c.regions.at(0).online == Range{5 * kGiB, 7 * kGiB});
}

TEST_CASE("126M kept region + 1922M region, keep=126M: 1920 MiB onlined, kept untouched") {
  const Plan p = PlanLegacy(X86({Range::FromSize(k4G, 126 * kMiB), Range::FromSize(0x107E00000, 1922 * kMiB)}),
                            126 * kMiB);
  REQUIRE(p.carves.size() == 1);  // adjacent regions: one carve
  const CarvePlan& c = p.carves[0];
  CHECK(c.kept == Range::FromSize(k4G, 126 * kMiB));
  CHECK(c.regions.at(0).action == RegionAction::kKeep);
  CHECK(c.regions.at(1).action == RegionAction::kCreateDevdax);
  CHECK(c.onlined == 1920 * kMiB);
  CHECK(c.lost == 2 * kMiB);
  CHECK(c.advice.empty());
}

TEST_CASE("a region straddling the end of the kept range is left alone") {
  const Plan p = PlanLegacy(X86({Range::FromSize(k4G, 2 * kGiB)}), 126 * kMiB);
  const CarvePlan& c = p.carves.at(0);
  CHECK(c.regions.at(0).action == RegionAction::kLeave);
  CHECK(c.regions.at(0).online.empty());
  CHECK(c.onlined == 0);
  CHECK(c.kept.size() == 126 * kMiB);
  CHECK(c.lost == 2 * kGiB - 126 * kMiB);
  // The advice splits the carve at the kept range.
  CHECK(FormatCarves(Arch::kX86_64, c.advice) == "memmap=126M!4G memmap=1922M!4222M");
}

TEST_CASE("keep covering the whole carve, or more, keeps everything") {
  for (u64 keep : {2 * kGiB, 3 * kGiB, ~u64{0}}) {
    const Plan p = PlanLegacy(X86({Range::FromSize(k4G, 2 * kGiB)}), keep);
    CHECK(p.carves.at(0).regions.at(0).action == RegionAction::kKeep);
    CHECK(p.carves.at(0).onlined == 0);
    CHECK(p.carves.at(0).lost == 0);
    CHECK(p.carves.at(0).advice.empty());
  }
}

TEST_CASE("2 GiB memory blocks: the standard layout onlines nothing") {
  const Plan p = PlanLegacy(X86({Range::FromSize(k4G, 2 * kGiB)}, 2 * kGiB), 0);
  CHECK(p.carves.at(0).onlined == 0);
  CHECK(p.carves.at(0).lost == 2 * kGiB);
  CHECK(p.carves.at(0).regions.at(0).action == RegionAction::kLeave);
  CHECK(FormatCarves(Arch::kX86_64, p.carves.at(0).advice).empty());  // 2 GiB can't hold a block + 2 MiB
}

TEST_CASE("a devdax with our mark from the last boot is reused; another layout or no mark is left") {
  Geometry m = X86({Range::FromSize(k4G, 2 * kGiB)});
  m.regions[0].state = RegionState::kDevdax;
  m.regions[0].dax_data = Range{k4G + 2 * kMiB, k4G + 2 * kGiB};
  m.regions[0].dax_uuid = MarkUuid(MarkRole::kDevdax, m.regions[0].range);
  CHECK(PlanLegacy(m, 0).carves[0].regions[0].action == RegionAction::kReuseDevdax);
  CHECK(PlanLegacy(m, 0).carves[0].onlined == 1920 * kMiB);
  // ndctl's devdax of exactly this shape (map=mem, align 2M): not ours.
  Geometry ndctl = m;
  ndctl.regions[0].dax_uuid = "6b1c3c0e-0d4a-4a6e-9a57-0f0d4b2f5e11";
  CHECK(PlanLegacy(ndctl, 0).carves[0].regions[0].action == RegionAction::kLeave);
  CHECK(PlanLegacy(ndctl, 0).carves[0].regions[0].reason == Reason::kForeignInfoBlock);
  CHECK(PlanLegacy(ndctl, 0).carves[0].onlined == 0);
  // Our mark for another region (the carve moved): not ours either.
  ndctl.regions[0].dax_uuid = MarkUuid(MarkRole::kDevdax, Range::FromSize(k4G, kGiB));
  CHECK(PlanLegacy(ndctl, 0).carves[0].regions[0].action == RegionAction::kLeave);
  // Ours: its data is where the kernel put it (16K pages start it on 32 MiB), and that is what is onlined.
  m.regions[0].dax_data = Range{k4G + 32 * kMiB, k4G + 2 * kGiB};
  CHECK(PlanLegacy(m, 0).carves[0].regions[0].action == RegionAction::kReuseDevdax);
  CHECK(PlanLegacy(m, 0).carves[0].regions[0].online == Range{k4G + 128 * kMiB, k4G + 2 * kGiB});
  m.regions[0].dax_data = Range{k4G + 32 * kMiB, k4G + 3 * kGiB};  // not inside the region: not ours
  CHECK(PlanLegacy(m, 0).carves[0].regions[0].action == RegionAction::kLeave);
  m.regions[0].state = RegionState::kOther;
  CHECK(PlanLegacy(m, 0).carves[0].regions[0].action == RegionAction::kLeave);
}

TEST_CASE("two carves with a gap: keep applies from the first carve's start") {
  const Plan p = PlanLegacy(X86({Range::FromSize(k4G, 126 * kMiB), Range::FromSize(6 * kGiB - 2 * kMiB, 1026 * kMiB)}),
                            100 * kMiB);
  REQUIRE(p.carves.size() == 2);
  CHECK(p.carves[0].regions[0].action == RegionAction::kLeave);  // straddles
  CHECK(p.carves[1].kept.empty());
  CHECK(p.carves[1].onlined == 1024 * kMiB);
}

TEST_CASE("a region whose start is not 2 MiB aligned is left") {
  const Plan p = PlanLegacy(X86({Range::FromSize(k4G + 4 * kKiB, 2 * kGiB)}), 0);
  CHECK(p.carves.at(0).regions.at(0).action == RegionAction::kLeave);
  CHECK(p.carves.at(0).onlined == 0);
}

TEST_CASE("arm64 carves advise device-tree nodes") {
  const std::vector<Range> c = {Range::FromSize(0x1c0000000, 2 * kGiB)};
  CHECK(FormatCarves(Arch::kArm64, c) ==
        "pmem@1c0000000 { compatible = \"pmem-region\"; reg = <0x1 0xc0000000 0x0 0x80000000>; numa-node-id = <0>; }");
}

// ---- properties over random carves ----

namespace {

// Independent oracle: the blocks the legacy strategy could ever online in
// a region are the whole memory blocks lying after the 8 KiB info reserve
// and inside the region, for regions entirely outside the kept range.
u64 OracleOnline(const Range& r, const Range& kept, u64 block) {
  if (kept.Overlaps(r) || r.start % kSubsection != 0) return 0;
  u64 n = 0;
  for (u64 b = r.start - r.start % block; b < r.end; b += block) {
    if (b >= r.start + kInfoBlockReserve && b + block <= r.end) n += block;
  }
  return n;
}

}  // namespace

TEST_CASE("property: legacy plans are safe, consistent and minimal") {
  std::mt19937_64 rng(20261127);
  const u64 blocks[] = {128 * kMiB, 512 * kMiB, kGiB, 2 * kGiB};
  auto pick = [&](u64 lo, u64 hi) { return std::uniform_int_distribution<u64>(lo, hi)(rng); };
  for (int iter = 0; iter < 20000; ++iter) {
    const u64 block = blocks[iter % 4];
    const u64 granule = iter % 3 == 0 ? 4 * kKiB : 2 * kMiB;
    const u64 start = AlignDown(pick(4 * kGiB, 256 * kGiB), granule);
    const u64 size = AlignDown(pick(granule, 12 * kGiB), granule) + granule;
    // Split into 1..3 adjacent regions.
    std::vector<Range> regions;
    u64 at = start;
    const int pieces = 1 + static_cast<int>(pick(0, 2));
    for (int i = 0; i < pieces; ++i) {
      const u64 left = start + size - at;
      if (left == 0) break;
      u64 len = i + 1 == pieces ? left : AlignDown(pick(0, left), granule);
      if (len == 0) continue;
      regions.push_back(Range::FromSize(at, len));
      at += len;
    }
    const u64 keep = iter % 5 == 0 ? 0 : AlignDown(pick(0, size + size / 4), iter % 2 ? granule : kKiB);
    Geometry m = X86(regions, block);
    const Plan p = PlanLegacy(m, keep);
    INFO("iter " << iter << " start " << Hex(start) << " size " << Hex(size) << " keep " << Hex(keep) << " block "
                 << Hex(block));
    REQUIRE(p.carves.size() == 1);
    const CarvePlan& c = p.carves[0];
    const Range kept{start, std::min(start + keep, start + size)};
    CHECK(c.kept == (keep == 0 ? Range{} : kept));
    u64 online_sum = 0, oracle = 0;
    for (const RegionPlan& r : c.regions) {
      oracle += OracleOnline(r.region.range, c.kept, block);
      online_sum += r.online.size();
      if (r.online.empty()) continue;
      // Onlined ranges: block aligned, inside the region, after the info block, outside the kept range.
      CHECK(r.online.start % block == 0);
      CHECK(r.online.end % block == 0);
      CHECK(r.region.range.Contains(r.online));
      CHECK(r.data.Contains(r.online));
      CHECK(r.online.start >= r.region.range.start + kInfoBlockReserve);
      CHECK_FALSE(r.online.Overlaps(c.kept));
      // Nothing that writes may touch the kept range.
      CHECK_FALSE(r.region.range.Overlaps(c.kept));
      CHECK(r.action == RegionAction::kCreateDevdax);
    }
    for (const RegionPlan& r : c.regions) {
      if (r.region.range.Overlaps(c.kept)) CHECK((r.action == RegionAction::kKeep || r.action == RegionAction::kLeave));
    }
    CHECK(online_sum == c.onlined);
    CHECK(c.onlined == oracle);
    CHECK(c.kept.size() + c.onlined + c.lost == size);
    // Advice, when given, keeps the kept range in place and loses less.
    if (!c.advice.empty()) {
      const u64 advised_lost = LegacyLoss(c.advice, c.kept.size(), block, 2 * kMiB);
      CHECK(advised_lost < c.lost);
      const u64 kept_rounding = keep > 0 ? c.advice.front().size() - c.kept.size() : 0;
      CHECK(advised_lost <= 2 * kMiB + kept_rounding);
      CHECK(c.advice.back().size() % block == 2 * kMiB);
      CHECK((c.advice.back().start + 2 * kMiB) % block == 0);
      for (const Range& a : c.advice) CHECK(Range::FromSize(start, size).Contains(a));  // no RAM map given
      if (keep > 0) CHECK(c.advice.front().Contains(c.kept));
    }
  }
}

TEST_CASE("arm64 advice: numa-node-id, and mem= when the carve moves into today's RAM") {
  Geometry m;
  m.arch = Arch::kArm64;
  m.dax_align = 32 * kMiB;  // 16K pages
  m.ram = {Range{0x40000000, 0x1c0000000}, Range{0x1c0000000, 0x240000000}};  // as probed: RAM + carve region
  m.regions.push_back(RawRegion("region0", Range::FromSize(0x1c0000000, 2 * kGiB)));
  const CarvePlan c = PlanLegacy(m, 0).carves.at(0);
  REQUIRE_FALSE(c.advice.empty());
  // 2 MiB below a block boundary: the data starts on the next 32 MiB boundary, the block boundary.
  CHECK(c.advice.front().start == 0x1c0000000 - 2 * kMiB);
  CHECK(c.advice_mem == 0x1c0000000 - 2 * kMiB - 0x40000000);
  CHECK(LegacyLoss(c.advice, 0, 128 * kMiB, 32 * kMiB) == 2 * kMiB);
  const std::string line = SummaryLine(Arch::kArm64, c);
  CHECK(line.find("numa-node-id = <0>") != std::string::npos);
  CHECK(line.find("with mem=6142M") != std::string::npos);
  // Without a NUMA node the fix is in the device tree, not the carve.
  m.regions[0].target_node = -1;
  const CarvePlan n = PlanLegacy(m, 0).carves.at(0);
  CHECK(n.advice.empty());
  CHECK(SummaryLine(Arch::kArm64, n).find("give the pmem-region node a numa-node-id") != std::string::npos);
}

TEST_CASE("a raw region ending in a namespace label index is left (a ramdax layout seen label-less)") {
  Geometry m = X86({Range::FromSize(k4G, 2 * kGiB)});
  m.regions[0].labels_at_end = true;
  const RegionPlan r = PlanLegacy(m, 0).carves.at(0).regions.at(0);
  CHECK(r.action == RegionAction::kLeave);
  CHECK(r.reason == Reason::kLabelArea);
}

TEST_CASE("regions that are not carves are never planned, whatever their shape") {
  Geometry m = X86({Range::FromSize(k4G, 2 * kGiB)});
  RegionInfo nfit = RawRegion("region1", Range::FromSize(0x240000000, 512 * kMiB));
  nfit.carve = false;
  nfit.provider = "ACPI.NFIT";
  m.regions.insert(m.regions.begin(), nfit);
  RegionInfo virtio = RawRegion("region2", Range::FromSize(0x260000000, 512 * kMiB));
  virtio.carve = false;
  m.regions.push_back(virtio);
  for (u64 keep : {u64{0}, 126 * kMiB}) {
    for (const Plan& p : {PlanLegacy(m, keep), PlanRamdax(m, keep)}) {
      for (const CarvePlan& c : p.carves) {
        CHECK(c.range.start == k4G);  // only the carve
        for (const RegionPlan& r : c.regions) CHECK(r.region.carve);
      }
    }
  }
  CHECK(PlanLegacy(m, 0).carves.size() == 1);
  // The kept range starts at the lowest carve, not at a foreign region below it.
  m.regions[0].range = Range::FromSize(0x80000000, 512 * kMiB);
  CHECK(PlanLegacy(m, 126 * kMiB).carves.at(0).kept == Range::FromSize(k4G, 126 * kMiB));
}

TEST_CASE("a carve holding someone else's data gets no advice to carve it anew") {
  Geometry m = X86({Range::FromSize(k4G, 2 * kGiB)});
  m.ram = {Range{0, 3 * kGiB}, Range{k4G, 9 * kGiB}};
  CHECK_FALSE(PlanLegacy(m, 0).carves.at(0).advice.empty());  // raw: advised
  m.regions[0].state = RegionState::kOther;  // fsdax
  CHECK(PlanLegacy(m, 0).carves.at(0).advice.empty());
  m.regions[0].state = RegionState::kDevdax;  // ndctl's devdax
  m.regions[0].dax_uuid = "6b1c3c0e-0d4a-4a6e-9a57-0f0d4b2f5e11";
  CHECK(PlanLegacy(m, 0).carves.at(0).advice.empty());
}
