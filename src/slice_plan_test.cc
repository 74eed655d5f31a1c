// SPDX-License-Identifier: GPL-2.0-or-later
#include "slice_plan.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace pmemreclaim;

namespace {

NextBootInput Input(const std::string& keep, std::vector<Range> carves, u64 block = 128 * kMiB) {
  NextBootInput in;
  in.block_size = block;
  in.carves = std::move(carves);
  std::string err;
  const auto s = ParseSlices(keep, &err);
  REQUIRE(s);
  in.slices = s->slices;
  return in;
}

const SliceEstimate& Of(const std::vector<SliceEstimate>& e, Strategy s) {
  for (const SliceEstimate& x : e) {
    if (x.strategy == s) return x;
  }
  FAIL("no estimate");
  return e.front();
}

}  // namespace

TEST_CASE("slice plan: a VM host's 176 slices of 1 GiB strand nothing on hmem, 1 GiB each on ramdax") {
  // One 1 GiB-aligned carve of 176 GiB + 2 GiB for the rest, 2 GiB memory blocks (a large host)
  const Range carve = Range::FromSize(64 * kGiB, 178 * kGiB);
  const auto e = EstimateSlices(Input("vm*176:1G@1G", {carve}, 2 * kGiB));
  const SliceEstimate& hmem = Of(e, Strategy::kHmem);
  REQUIRE(hmem.fits);
  CHECK(hmem.slices.size() == 176);
  CHECK(hmem.kept == 176 * kGiB);
  CHECK(hmem.onlined == 2 * kGiB);  // the rest: one 2 GiB block
  CHECK(hmem.stranded == 0);
  // ramdax: a 2 MiB info block before each slice pushes it to the next 1 GiB boundary, the label area
  // takes the end: only 88 slices find room
  const SliceEstimate& ramdax = Of(e, Strategy::kRamdax);
  CHECK_FALSE(ramdax.fits);
  CHECK(ramdax.why.find("slice vm88 ") != std::string::npos);
  // legacy: one memmap= carve per slice, the rest a devdax carve whose info block costs its block
  const SliceEstimate& legacy = Of(e, Strategy::kLegacy);
  REQUIRE(legacy.fits);
  CHECK(legacy.kept == 176 * kGiB);
  CHECK(legacy.onlined == 0);
  CHECK(legacy.stranded == 2 * kGiB);
  // 176 memmap= carves do not fit the kernel's 2048-byte command line
  CHECK(legacy.carves_text.rfind("memmap=1G!64G memmap=1G!65G ", 0) == 0);
  CHECK(legacy.carves_text.find("memmap=2G!240G") != std::string::npos);
  CHECK(legacy.carves_text.size() > 2048);
  CHECK(legacy.why.find("command line") != std::string::npos);
}

TEST_CASE("slice plan: mixed slices on a small carve, every byte accounted for") {
  const Range carve = Range::FromSize(4 * kGiB, 6 * kGiB);
  const NextBootInput in = Input("vm*2:1G@1G,log:126M", {carve});
  const auto e = EstimateSlices(in);
  for (const SliceEstimate& x : e) {
    INFO(StrategyName(x.strategy));
    REQUIRE(x.fits);
    CHECK(x.kept == 2 * kGiB + 126 * kMiB);
    CHECK(x.kept + x.onlined + x.stranded == carve.size());
    for (const Slice& s : x.slices) CHECK(carve.Contains(s.range));
  }
  // hmem and legacy: vm0 at 4G, vm1 at 5G, log at 6G; the rest from 6G + 126M: 31 blocks from 6G + 128M
  for (Strategy s : {Strategy::kHmem, Strategy::kLegacy}) {
    const SliceEstimate& x = Of(e, s);
    CHECK(x.slices[0].range.start == 4 * kGiB);
    CHECK(x.slices[1].range.start == 5 * kGiB);
    CHECK(x.slices[2].range == Range::FromSize(6 * kGiB, 126 * kMiB));
    CHECK(x.onlined == 31 * 128 * kMiB);
    CHECK(x.stranded == 2 * kMiB);
  }
  CHECK(Of(e, Strategy::kLegacy).carves_text == "memmap=1G!4G memmap=1G!5G memmap=126M!6G memmap=3970M!6270M");
  CHECK(Of(e, Strategy::kHmem).carves_text == "memmap=6G%4G-1+0xefffffff");
  // ramdax: each 1 GiB slice's info block needs the 2 MiB below its boundary: vm0 at 5G, vm1 at 7G (a
  // GiB stranded before each), log's namespace from 8G, its data at 8G + 2M
  const SliceEstimate& ramdax = Of(e, Strategy::kRamdax);
  CHECK(ramdax.slices[0].range.start == 5 * kGiB);
  CHECK(ramdax.slices[1].range.start == 7 * kGiB);
  CHECK(ramdax.slices[2].range.start == 8 * kGiB + 2 * kMiB);
  CHECK(ramdax.stranded > 2 * kGiB);
}

TEST_CASE("slice plan: hmem is not on arm64; the JSON has every strategy's slices") {
  NextBootInput in = Input("a:2M,b:1G@1G", {Range::FromSize(4 * kGiB, 2 * kGiB)});
  in.arch = Arch::kArm64;
  const auto e = EstimateSlices(in);
  CHECK_FALSE(Of(e, Strategy::kHmem).available);
  const auto j = nlohmann::json::parse(SliceEstimatesJson(in, e));
  CHECK(j["keep"] == "a:2M,b:1G@1G");
  REQUIRE(j["strategies"].size() == 3);
  CHECK(j["strategies"][0]["strategy"] == "legacy");
  CHECK(j["strategies"][0]["slices"].size() == 2);
  CHECK(j["strategies"][0]["slices"][1]["range"]["start"] == 5 * kGiB);
  CHECK(j["strategies"][0]["slices"][1]["align"] == kGiB);
  CHECK(j["strategies"][2]["available"] == false);
}
