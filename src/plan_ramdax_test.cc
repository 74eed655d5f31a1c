// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>
#include <random>

#include "mark.h"
#include "plan.h"

using namespace pmemreclaim;

namespace {

constexpr u64 k4G = 4 * kGiB;

// One ramdax carve per range: the region is the carve less its label area.
Geometry Ramdax(std::vector<Range> carves, u64 block = 128 * kMiB, u64 align = 2 * kMiB) {
  Geometry m;
  m.block_size = block;
  m.dax_align = align;
  for (size_t i = 0; i < carves.size(); ++i) {
    m.regions.push_back(RamdaxRegionFor("region" + std::to_string(i), carves[i]));
  }
  return m;
}

}  // namespace

TEST_CASE("ramdax: 2 GiB + 2 MiB + 128 KiB, 2 MiB below a block boundary: 2 GiB onlined") {
  const Range carve = Range::FromSize(k4G + 126 * kMiB, 2 * kGiB + 2 * kMiB + kLabelAreaSize);
  const Plan p = PlanRamdax(Ramdax({carve}), 0);
  const CarvePlan& c = p.carves.at(0);
  CHECK(c.onlined == 2 * kGiB);
  CHECK(c.lost == 2 * kMiB + kLabelAreaSize);
  CHECK(c.advice.empty());
  const RegionPlan& r = c.regions.at(0);
  CHECK(r.action == RegionAction::kCreateDevdax);
  CHECK(r.init_labels);
  CHECK(r.keep_extent.empty());
  CHECK(r.dax_extent == Range::FromSize(carve.start, 2 * kGiB + 2 * kMiB));
  CHECK(r.online == Range::FromSize(k4G + 128 * kMiB, 2 * kGiB));
}

TEST_CASE("ramdax: 2G!4G keep=126M: 14 blocks, 130 MiB lost, advice 2 GiB + 128 KiB") {
  Geometry m = Ramdax({Range::FromSize(k4G, 2 * kGiB)});
  m.ram = {Range{0, 3 * kGiB}, Range{k4G, 9 * kGiB}};
  const Plan p = PlanRamdax(m, 126 * kMiB);
  const CarvePlan& c = p.carves.at(0);
  const RegionPlan& r = c.regions.at(0);
  CHECK(r.keep_extent == Range::FromSize(k4G, 126 * kMiB));
  CHECK(r.dax_extent == Range::FromSize(k4G + 126 * kMiB, 1920 * kMiB));
  CHECK(r.data.start == k4G + 128 * kMiB);
  CHECK(c.onlined == 1879048192);  // KERNEL-FACTS: 14 blocks
  CHECK(c.lost == 130 * kMiB);
  CHECK(FormatCarves(Arch::kX86_64, c.advice) == "memmap=" + KernelSize(2 * kGiB + 128 * kKiB) + "!4G");
  CHECK(RamdaxLoss(c.advice.at(0), 126 * kMiB, 128 * kMiB, 2 * kMiB) == 2 * kMiB + kLabelAreaSize);
}

TEST_CASE("ramdax: 2G!4G, nothing kept, loses more than legacy") {
  const Plan p = PlanRamdax(Ramdax({Range::FromSize(k4G, 2 * kGiB)}), 0);
  CHECK(p.carves.at(0).onlined == 1792 * kMiB);
  Geometry legacy;
  legacy.regions.push_back(RawRegion("region0", Range::FromSize(k4G, 2 * kGiB)));
  CHECK(PlanLegacy(legacy, 0).carves.at(0).onlined == 1920 * kMiB);
}

TEST_CASE("ramdax: keep reaching into the label area is refused") {
  const Plan p = PlanRamdax(Ramdax({Range::FromSize(k4G, 2 * kGiB)}), 2 * kGiB - 64 * kKiB);
  const RegionPlan& r = p.carves.at(0).regions.at(0);
  CHECK(r.action == RegionAction::kLeave);
  CHECK_FALSE(r.init_labels);
  CHECK(r.keep_extent.empty());
  CHECK(r.reason == Reason::kKeptInLabelArea);
}

TEST_CASE("ramdax: a foreign namespace leaves the carve alone") {
  Geometry m = Ramdax({Range::FromSize(k4G, 2 * kGiB)});
  m.regions[0].labels_valid = true;
  m.regions[0].namespaces.push_back(
      NamespaceInfo{"namespace0.0", "database", "6b1c3c0e-0d4a-4a6e-9a57-0f0d4b2f5e11", Range::FromSize(k4G, kGiB), false, {}, ""});
  const RegionPlan r = PlanRamdax(m, 0).carves.at(0).regions.at(0);  // a copy: the plan is a temporary
  CHECK(r.action == RegionAction::kLeave);
  CHECK(r.reason == Reason::kForeignNamespace);
  CHECK(PlanRamdax(m, 0).carves.at(0).onlined == 0);
}

TEST_CASE("ramdax: our namespaces from the last boot are reused; another layout is left") {
  Geometry m = Ramdax({Range::FromSize(k4G, 2 * kGiB)});
  m.regions[0].labels_valid = true;
  const Range keep_ns = Range::FromSize(k4G, 126 * kMiB);
  const Range dax_ns = Range::FromSize(k4G + 126 * kMiB, 1920 * kMiB);
  m.regions[0].namespaces = {
      NamespaceInfo{"namespace0.0", kKeepNamespaceName, MarkUuid(MarkRole::kKeepNamespace, keep_ns), keep_ns, false, {}, ""},
      NamespaceInfo{"namespace0.1", kDaxNamespaceName, MarkUuid(MarkRole::kDaxNamespace, dax_ns), dax_ns, true,
                    Range{k4G + 128 * kMiB, k4G + 2046 * kMiB}, MarkUuid(MarkRole::kDevdax, dax_ns)}};
  const RegionPlan r = PlanRamdax(m, 126 * kMiB).carves.at(0).regions.at(0);  // a copy: the plan is a temporary
  CHECK(r.action == RegionAction::kReuseDevdax);
  CHECK_FALSE(r.init_labels);
  CHECK(r.online.size() == 1879048192);
  // The same namespaces with another keep: laid out again (labels only), the shared kept bytes untouched.
  for (u64 keep : {62 * kMiB, 254 * kMiB, u64{0}}) {
    const RegionPlan again = PlanRamdax(m, keep).carves.at(0).regions.at(0);
    CHECK(again.action == RegionAction::kCreateDevdax);
    CHECK(again.delete_first == std::vector<std::string>{"namespace0.1", "namespace0.0"});
    CHECK(again.keep_extent == Range::FromSize(k4G, keep));
    CHECK(again.dax_extent.start == k4G + keep);               // nothing new inside the new kept range
    CHECK(again.reason == Reason::kLaidOutAgain);
  }
  // ... but not over a devdax info block someone else wrote into our namespace
  Geometry foreign_dax = m;
  foreign_dax.regions[0].namespaces[1].dax_uuid = "6b1c3c0e-0d4a-4a6e-9a57-0f0d4b2f5e11";
  CHECK(PlanRamdax(foreign_dax, 62 * kMiB).carves.at(0).regions.at(0).action == RegionAction::kLeave);
  CHECK(PlanRamdax(foreign_dax, 62 * kMiB).carves.at(0).regions.at(0).delete_first.empty());

  // Our names with uuids that are not our marks (ndctl create-namespace -n pmemreclaim-keep ...): foreign.
  Geometry copied = m;
  copied.regions[0].namespaces[0].uuid = "6b1c3c0e-0d4a-4a6e-9a57-0f0d4b2f5e11";
  const RegionPlan c = PlanRamdax(copied, 126 * kMiB).carves.at(0).regions.at(0);
  CHECK(c.action == RegionAction::kLeave);
  CHECK(c.reason == Reason::kForeignNamespace);
  // Our namespaces but a devdax info block someone else wrote into ours: left.
  copied = m;
  copied.regions[0].namespaces[1].dax_uuid = "6b1c3c0e-0d4a-4a6e-9a57-0f0d4b2f5e11";
  CHECK(PlanRamdax(copied, 126 * kMiB).carves.at(0).regions.at(0).action == RegionAction::kLeave);

  // Half-built (stopped after the kept namespace): the devdax namespace is made now.
  Geometry half = m;
  half.regions[0].namespaces.pop_back();
  const RegionPlan h = PlanRamdax(half, 126 * kMiB).carves.at(0).regions.at(0);
  CHECK(h.action == RegionAction::kCreateDevdax);
  CHECK(h.dax_extent == dax_ns);
  CHECK(h.online.size() == 1879048192);
  // Stopped after the devdax namespace but before its info block: claimed as it is.
  half = m;
  half.regions[0].namespaces[1].devdax = false;
  half.regions[0].namespaces[1].dax_uuid.clear();
  CHECK(PlanRamdax(half, 126 * kMiB).carves.at(0).regions.at(0).action == RegionAction::kCreateDevdax);
}

TEST_CASE("ramdax: arm64 16K pages: namespaces at 2 MiB, devdax of 16 KiB, data on 32 MiB") {
  // Measured on 7.2 arm64-16k: a devdax of 16 KiB alignment on a namespace at +96 MiB starts its data at
  // +128 MiB, the next 32 MiB boundary; at +126 MiB it would start at +128 MiB too.
  const Range carve = Range::FromSize(0x1c0000000, 2 * kGiB + kLabelAreaSize);
  Geometry m = Ramdax({carve}, 128 * kMiB, 32 * kMiB);
  m.page_size = 16 * kKiB;
  const RegionPlan r = PlanRamdax(m, 126 * kMiB).carves.at(0).regions.at(0);  // a copy: the plan is a temporary
  CHECK(r.device_align == 16 * kKiB);
  CHECK(r.dax_align == 2 * kMiB);
  CHECK(r.keep_extent == Range::FromSize(0x1c0000000, 126 * kMiB));
  CHECK(r.dax_extent.start == 0x1c0000000 + 126 * kMiB);
  CHECK(r.data.start == 0x1c0000000 + 128 * kMiB);
  CHECK(r.online.size() == 1920 * kMiB);
  const RegionPlan k96 = PlanRamdax(m, 96 * kMiB).carves.at(0).regions.at(0);
  CHECK(k96.dax_extent.start == 0x1c0000000 + 96 * kMiB);
  CHECK(k96.data.start == 0x1c0000000 + 128 * kMiB);
  CHECK(k96.online.size() == 1920 * kMiB);
  // A keep that is not a multiple of 2 MiB is rounded up, never cut.
  const RegionPlan odd = PlanRamdax(m, 100 * kMiB + 1).carves.at(0).regions.at(0);
  CHECK(odd.keep_extent.size() == 102 * kMiB);
  // A carve start only needs 2 MiB alignment.
  const Plan moved = PlanRamdax(Ramdax({Range::FromSize(0x1c0000000 + 2 * kMiB, kGiB)}, 128 * kMiB, 32 * kMiB), 0);
  CHECK(moved.carves.at(0).regions.at(0).action == RegionAction::kCreateDevdax);
  const Plan bad = PlanRamdax(Ramdax({Range::FromSize(0x1c0000000 + kMiB, kGiB)}, 128 * kMiB, 32 * kMiB), 0);
  CHECK(bad.carves.at(0).regions.at(0).action == RegionAction::kLeave);
  CHECK_FALSE(bad.carves.at(0).regions.at(0).init_labels);
}

TEST_CASE("ramdax and legacy: a region with no NUMA node is left") {
  Geometry m = Ramdax({Range::FromSize(k4G, 2 * kGiB)});
  m.regions[0].target_node = -1;
  CHECK(PlanRamdax(m, 0).carves.at(0).onlined == 0);
  CHECK(PlanRamdax(m, 0).carves.at(0).regions.at(0).reason == Reason::kNoNumaNode);
  Geometry l;
  l.regions.push_back(RawRegion("region0", Range::FromSize(k4G, 2 * kGiB)));
  l.regions[0].target_node = -1;
  CHECK(PlanLegacy(l, 0).carves.at(0).regions.at(0).reason == Reason::kNoNumaNode);
}

TEST_CASE("property: ramdax plans are safe, consistent and minimal") {
  std::mt19937_64 rng(6192025);
  const u64 blocks[] = {128 * kMiB, 512 * kMiB, kGiB, 2 * kGiB};
  const u64 aligns[] = {2 * kMiB, 32 * kMiB};
  auto pick = [&](u64 lo, u64 hi) { return std::uniform_int_distribution<u64>(lo, hi)(rng); };
  for (int iter = 0; iter < 20000; ++iter) {
    const u64 block = blocks[iter % 4];
    const u64 align = aligns[(iter / 4) % 2];
    const u64 start = AlignDown(pick(4 * kGiB, 256 * kGiB), iter % 7 == 0 ? 4 * kKiB : 2 * kMiB);
    const u64 size = AlignDown(pick(kMiB, 12 * kGiB), 4 * kKiB) + kLabelAreaSize;
    const u64 keep = iter % 5 == 0 ? 0 : pick(0, size + size / 8);
    const Range carve = Range::FromSize(start, size);
    const Plan p = PlanRamdax(Ramdax({carve}, block, align), keep);
    INFO("iter " << iter << " carve " << Describe(carve) << " keep " << Hex(keep) << " block " << Hex(block)
                 << " align " << Hex(align));
    const CarvePlan& c = p.carves.at(0);
    const RegionPlan& r = c.regions.at(0);
    const Range labels{carve.end - kLabelAreaSize, carve.end};
    CHECK(c.kept.size() + c.onlined + c.lost == size);
    CHECK(c.onlined == r.online.size());
    if (!r.dax_extent.empty()) {
      // Namespaces on 2 MiB; the data on the dax alignment.
      CHECK(r.dax_extent.start % kSubsection == 0);
      CHECK(r.dax_extent.size() % kSubsection == 0);
      CHECK(r.data.start % align == 0);
      CHECK_FALSE(r.dax_extent.Overlaps(labels));
      CHECK_FALSE(r.dax_extent.Overlaps(c.kept));
      CHECK(r.online.start % block == 0);
      CHECK(r.online.end % block == 0);
      CHECK(r.online.start >= r.dax_extent.start + kInfoBlockReserve);
      CHECK(r.dax_extent.Contains(r.online));
      // Minimal for this layout: every whole block after the info block fits.
      u64 oracle = 0;
      for (u64 b = AlignUp(r.dax_extent.start + kInfoBlockReserve, block); b + block <= r.dax_extent.end;
           b += block)
        oracle += block;
      CHECK(r.online.size() == oracle);
    }
    if (!r.keep_extent.empty()) {
      CHECK(r.keep_extent.Contains(c.kept));
      CHECK(r.keep_extent.start == start);
      CHECK_FALSE(r.keep_extent.Overlaps(labels));
      CHECK(r.keep_extent.size() - c.kept.size() < align);
      if (!r.dax_extent.empty()) CHECK(r.keep_extent.end == r.dax_extent.start);
    }
    if (keep > 0 && c.kept.Overlaps(labels)) CHECK(r.action == RegionAction::kLeave);
    if (!c.kept.empty() && r.action != RegionAction::kLeave) CHECK(r.keep_extent.Contains(c.kept));
    if (r.action == RegionAction::kLeave) {
      CHECK(r.keep_extent.empty());
      CHECK(r.dax_extent.empty());
      CHECK_FALSE(r.init_labels);
    }
    if (!c.advice.empty()) {
      const u64 keep_size = c.kept.empty() ? 0 : AlignUp(c.kept.size(), align);
      CHECK(RamdaxLoss(c.advice.at(0), c.kept.size(), block, align) <=
            align + kLabelAreaSize + (keep_size - c.kept.size()));
      CHECK(carve.Contains(c.advice.at(0)));  // no RAM map: inside the old carve
    }
  }
}
