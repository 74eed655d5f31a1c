// SPDX-License-Identifier: GPL-2.0-or-later
#include "nextboot.h"

#include <catch2/catch.hpp>

using namespace pmemreclaim;

namespace {

constexpr u64 k4G = 4 * kGiB;

NextBootInput X86(std::vector<Range> carves, u64 keep = 0) {
  NextBootInput in;
  in.carves = std::move(carves);
  in.keep = keep;
  return in;
}

}  // namespace

// The numbers below are the ones the QEMU boot tests measure on the guest
// kernel (tests/boot/TEST-legacy-*.sh, TEST-ramdax-*.sh).
TEST_CASE("next boot: memmap=2G!4G, nothing kept") {
  const auto e = EstimateStrategies(X86({Range::FromSize(k4G, 2 * kGiB)}));
  REQUIRE(e.size() == 3);
  CHECK(e[0].strategy == Strategy::kLegacy);
  CHECK(e[0].onlined == 1920 * kMiB);  // TEST-legacy-2G-at-4G
  CHECK(e[0].lost == 128 * kMiB);
  CHECK(e[0].carves_text == "memmap=1922M!4222M");
  CHECK(e[0].advice_onlined == 1920 * kMiB);
  CHECK(e[0].advice_lost == 2 * kMiB);
  CHECK(e[1].strategy == Strategy::kRamdax);
  CHECK(e[1].onlined == 1792 * kMiB);
  CHECK(e[2].strategy == Strategy::kHmem);
  CHECK(e[2].onlined == 2 * kGiB);  // KERNEL-FACTS: soft-reserved, 0 lost
  CHECK(e[2].lost == 0);
  CHECK(e[2].carves_text == "memmap=2G%4G-1+0xefffffff");
}

TEST_CASE("next boot: memmap=2G!4G keep=126M: ramdax 14 blocks, advice 2G+128K: 15") {
  NextBootInput in = X86({Range::FromSize(k4G, 2 * kGiB)}, 126 * kMiB);
  in.ram = {Range{0, 3 * kGiB}, Range{k4G, 9 * kGiB}};
  const auto e = EstimateStrategies(in);
  CHECK(e[0].onlined == 0);  // legacy refuses the straddling region
  CHECK(e[0].carves_text == "memmap=126M!4G memmap=1922M!4222M");  // TEST-legacy-keep
  CHECK(e[0].advice_onlined == 1920 * kMiB);
  CHECK(e[1].onlined == 1879048192);  // TEST-ramdax-keep-auto
  CHECK(e[1].lost == 130 * kMiB);
  CHECK(e[1].carves_text == "memmap=" + KernelSize(2 * kGiB + 128 * kKiB) + "!4G");
  CHECK(e[1].advice_onlined == 1920 * kMiB);  // TEST-ramdax-kexec
  CHECK(e[1].advice_lost == 2 * kMiB + 128 * kKiB);
  // hmem keeps whole blocks: the kept device is one block, the rest is onlined, nothing lost but
  // the 2 MiB the kept range does not use.
  CHECK(e[2].onlined == 2 * kGiB - 128 * kMiB);
  CHECK(e[2].lost == 2 * kMiB);
  // Later, once the kept data is consumed: only hmem can reclaim the kept block.
  CHECK(e[0].later_onlined == 0);
  CHECK(e[1].later_onlined == 0);
  CHECK(e[2].later_onlined == 128 * kMiB);
}

TEST_CASE("next boot: the split legacy carve of TEST-legacy-keep loses 2 MiB, no advice") {
  const auto e =
      EstimateStrategies(X86({Range::FromSize(k4G, 126 * kMiB), Range::FromSize(0x107E00000, 1922 * kMiB)}, 126 * kMiB));
  CHECK(e[0].onlined == 1920 * kMiB);
  CHECK(e[0].lost == 2 * kMiB);
  CHECK(e[0].carves_text == "memmap=126M!4G memmap=1922M!4222M");
}

TEST_CASE("next boot: 2 GiB memory blocks: legacy onlines nothing; hmem everything") {
  NextBootInput in = X86({Range::FromSize(k4G, 2 * kGiB)});
  in.block_size = 2 * kGiB;
  in.ram = {Range{0, 3 * kGiB}, Range{k4G, 66 * kGiB}};
  const auto e = EstimateStrategies(in);
  CHECK(e[0].onlined == 0);
  CHECK(e[0].advice_onlined == 2 * kGiB);  // 2 MiB below the 6 GiB boundary
  CHECK(e[0].advice_lost == 2 * kMiB);
  CHECK(e[2].onlined == 2 * kGiB);
}

TEST_CASE("next boot: arm64 advises device-tree nodes and has no hmem") {
  NextBootInput in;
  in.arch = Arch::kArm64;
  in.dax_align = 32 * kMiB;  // 16K pages
  in.carves = {Range::FromSize(0x1c0000000, 2 * kGiB)};
  const auto e = EstimateStrategies(in);
  CHECK(e[0].onlined == 2 * kGiB - 128 * kMiB);
  CHECK(e[0].carves_text.find("pmem-region") != std::string::npos);
  CHECK_FALSE(e[2].available);
  const std::string json = EstimatesJson(in, e);
  CHECK(json.find("\"strategy\":\"hmem\",\"available\":false") != std::string::npos);
  CHECK(EstimatesText(in, e).find("hmem: not available on arm64") != std::string::npos);
}

TEST_CASE("hmem plan: kept device rounded to the block it costs nothing to fill") {
  Geometry m;
  m.regions.push_back(RawRegion("hmem0", Range::FromSize(k4G, 2 * kGiB)));
  const Plan p = PlanHmem(m, 100 * kMiB);
  const RegionPlan& r = p.carves.at(0).regions.at(0);
  CHECK(r.keep_extent == Range::FromSize(k4G, 128 * kMiB));
  CHECK(r.online == Range{k4G + 128 * kMiB, k4G + 2 * kGiB});
  CHECK(p.carves[0].lost == 28 * kMiB);
}

TEST_CASE("plan arguments") {
  NextBootInput in;
  bool json = false;
  std::string err;
  REQUIRE(ParseNextBootArgs({"--carve=2G!4G", "--block=2G", "--keep=126M", "--ram=4G-66G", "--json"}, &in, &json, &err));
  CHECK(in.carves == std::vector<Range>{Range::FromSize(4 * kGiB, 2 * kGiB)});
  CHECK(in.block_size == 2 * kGiB);
  CHECK(in.keep == 126 * kMiB);
  CHECK(json);
  NextBootInput arm;
  REQUIRE(ParseNextBootArgs({"--carve=0x80000000@0x1c0000000", "--arch=arm64", "--page=16K"}, &arm, &json, &err));
  CHECK(arm.dax_align == 32 * kMiB);
  CHECK(arm.arch == Arch::kArm64);
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
           {}, {"--carve=2G"}, {"--carve=2G!4G", "--block=3M"}, {"--carve=2G!4G", "--ram=5G-4G"},
           {"--carve=2G!4G", "--arch=riscv"}, {"--carve=2G!4G", "--frobnicate"},
           {"--carve=2G!4G", "--block=1M"}, {"--carve=2G!4G", "--page=1"}, {"--carve=2G!4G", "--page=4"},
           {"--carve=2G!4G", "--page=16G"}, {"--carve=2G!4G", "--page=8K"}}) {
    NextBootInput x;
    CHECK_FALSE(ParseNextBootArgs(bad, &x, &json, &err));
    CHECK_FALSE(err.empty());
  }
}
