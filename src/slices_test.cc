// SPDX-License-Identifier: GPL-2.0-or-later
#include "slices.h"

#include <catch2/catch.hpp>
#include <random>

using namespace pmemreclaim;

namespace {

SlicesSpec Parsed(const std::string& text) {
  std::string err;
  auto s = ParseSlices(text, &err);
  INFO(text << ": " << err);
  REQUIRE(s);
  return *s;
}

std::string ErrorOf(const std::string& text) {
  std::string err;
  auto s = ParseSlices(text, &err);
  INFO(text);
  CHECK_FALSE(s);
  CHECK_FALSE(err.empty());
  return err;
}

}  // namespace

TEST_CASE("slices: the plain size is today's one kept range, named keep") {
  const SlicesSpec s = Parsed("126M");
  CHECK(s.plain);
  REQUIRE(s.slices.size() == 1);
  CHECK(s.slices[0] == SliceSpec{"keep", 126 * kMiB, 2 * kMiB});
  CHECK(Parsed("0x7e00001").slices[0].size == 0x7e00001);  // not rounded here: the strategies do as today
}

TEST_CASE("slices: names, counts and alignments") {
  const SlicesSpec s = Parsed("vm*4:1G@1G,log:126M,db-1:2M@4K,x_y:4M@64K");
  CHECK_FALSE(s.plain);
  REQUIRE(s.slices.size() == 7);
  for (int i = 0; i < 4; ++i) CHECK(s.slices[i] == SliceSpec{"vm" + std::to_string(i), kGiB, kGiB});
  CHECK(s.slices[4] == SliceSpec{"log", 126 * kMiB, 2 * kMiB});
  CHECK(s.slices[5] == SliceSpec{"db-1", 2 * kMiB, 4 * kKiB});
  CHECK(s.slices[6] == SliceSpec{"x_y", 4 * kMiB, 64 * kKiB});
  CHECK(Parsed("a:2M@16K").slices[0].align == 16 * kKiB);
  CHECK(Parsed("vm*176:1G@1G").slices.size() == 176);
  CHECK(Parsed(std::string(32, 'n') + ":2M").slices[0].name.size() == 32);
  CHECK(Parsed(std::string(31, 'n') + "*10:2M").slices.back().name == std::string(31, 'n') + "9");
}

TEST_CASE("slices: a long list fits a 2048-byte command line through *COUNT") {
  const std::string opt = "pmemreclaim.keep=vm*176:1G@1G,log:126M";
  CHECK(opt.size() < 64);
  CHECK(Parsed(opt.substr(opt.find('=') + 1)).slices.size() == 177);
}

TEST_CASE("slices: every bad description is one error, naming the piece") {
  CHECK(ErrorOf("").find("size") != std::string::npos);
  CHECK(ErrorOf("12Q").find("size") != std::string::npos);
  CHECK(ErrorOf("vm:1G,126M").find("\"126M\"") != std::string::npos);  // a plain size only alone
  CHECK(ErrorOf("vm:1G,").find("empty") != std::string::npos);
  CHECK(ErrorOf(",vm:1G").find("empty") != std::string::npos);
  CHECK(ErrorOf("vm:1G,,b:2M").find("empty") != std::string::npos);
  CHECK(ErrorOf(":1G").find("no name") != std::string::npos);
  CHECK(ErrorOf("VM:1G").find("a-z") != std::string::npos);
  CHECK(ErrorOf("v.m:1G").find("a-z") != std::string::npos);
  CHECK(ErrorOf(std::string(33, 'n') + ":2M").find("at most 32") != std::string::npos);
  CHECK(ErrorOf(std::string(31, 'n') + "*11:2M").find("longer than 32") != std::string::npos);
  CHECK(ErrorOf("vm*0:1G").find("COUNT") != std::string::npos);
  CHECK(ErrorOf("vm*:1G").find("COUNT") != std::string::npos);
  CHECK(ErrorOf("vm*04:1G").find("COUNT") != std::string::npos);
  CHECK(ErrorOf("vm*0x4:1G").find("COUNT") != std::string::npos);
  CHECK(ErrorOf("vm*1025:2M").find("COUNT") != std::string::npos);
  CHECK(ErrorOf("a*1000:2M,b*25:2M").find("more than 1024") != std::string::npos);
  CHECK(ErrorOf("vm:0").find("SIZE") != std::string::npos);
  CHECK(ErrorOf("vm:1M").find("multiple of 2 MiB") != std::string::npos);
  CHECK(ErrorOf("vm:3M").find("multiple of 2 MiB") != std::string::npos);
  CHECK(ErrorOf("vm:").find("SIZE") != std::string::npos);
  CHECK(ErrorOf("vm:2M@8K").find("ALIGN") != std::string::npos);
  CHECK(ErrorOf("vm:2M@4M").find("ALIGN") != std::string::npos);
  CHECK(ErrorOf("vm:2M@").find("ALIGN") != std::string::npos);
  CHECK(ErrorOf("vm*4:512M@1G").find("multiple of ALIGN (1 GiB)") != std::string::npos);
  CHECK(ErrorOf("vm:2M,vm:4M").find("named twice") != std::string::npos);
  CHECK(ErrorOf("vm*2:2M,vm1:4M").find("vm1 is named twice") != std::string::npos);
}

TEST_CASE("slices: the canonical text parses back to the same slices") {
  for (const char* text : {"126M", "vm*4:1G@1G,log:126M", "a0:2M,a1:2M", "a0:2M,a1:4M", "vm1:2M,vm2:2M", "x:2M@4K"}) {
    const SlicesSpec s = Parsed(text);
    const std::string canon = FormatSlices(s);
    INFO(text << " -> " << canon);
    const SlicesSpec again = Parsed(canon);
    CHECK(again.plain == s.plain);
    CHECK(again.slices == s.slices);
  }
  CHECK(FormatSlices(Parsed("vm0:1G@1G,vm1:1G@1G,vm2:1G@1G,log:126M")) == "vm*3:1G@1G,log:126M");
}

TEST_CASE("slices: laid out in order from the lowest carve, each on its alignment, never across carves") {
  const std::vector<Range> carves = {Range::FromSize(4 * kGiB + 2 * kMiB, 5 * kGiB), Range::FromSize(16 * kGiB, 2 * kGiB)};
  std::vector<Slice> out;
  std::string err;
  REQUIRE(LayoutSlices(carves, Parsed("vm*4:1G@1G,log:126M").slices, 0, &out, &err));
  REQUIRE(out.size() == 5);
  // vm0 at the first 1 GiB boundary in the carve (5 GiB), vm1..vm3 after it: 5..9 GiB
  for (int i = 0; i < 4; ++i) CHECK(out[i].range == Range::FromSize((5 + i) * kGiB, kGiB));
  CHECK(out[3].range.end == 9 * kGiB);
  // log: the first carve ends at 9 GiB + 2 MiB, too little for 126 MiB: the next carve
  CHECK(out[4].carve == 1);
  CHECK(out[4].range == Range::FromSize(16 * kGiB, 126 * kMiB));
  // stranded before the slices: 5 GiB - (4 GiB + 2 MiB) before vm0, none between vm0..vm3, none before log
  CHECK(BytesBetweenSlices(carves, out) == kGiB - 2 * kMiB);
  // big does not fit after log in the second carve
  std::vector<Slice> none;
  CHECK_FALSE(LayoutSlices(carves, Parsed("vm*4:1G@1G,log:126M,big:2G").slices, 0, &none, &err));
  CHECK(none.empty());
  CHECK(err.find("slice big") != std::string::npos);
}

TEST_CASE("slices: 1 GiB slices in a 1 GiB-aligned carve strand nothing (hmem); a lead costs one gap each (ramdax)") {
  const std::vector<Range> carve = {Range::FromSize(8 * kGiB, 176 * kGiB + 2 * kMiB)};
  std::vector<Slice> out;
  std::string err;
  REQUIRE(LayoutSlices(carve, Parsed("vm*176:1G@1G").slices, 0, &out, &err));
  CHECK(out.size() == 176);
  CHECK(BytesBetweenSlices(carve, out) == 0);
  CHECK(out.back().range.end == 184 * kGiB);
  // with a 2 MiB info block before each (ramdax), every slice after the first moves one 1 GiB boundary
  // on: the carve holds 88 of them
  CHECK_FALSE(LayoutSlices(carve, Parsed("vm*176:1G@1G").slices, 2 * kMiB, &out, &err));
  REQUIRE(LayoutSlices(carve, Parsed("vm*88:1G@1G").slices, 2 * kMiB, &out, &err));
  CHECK(out.front().extent == Range{9 * kGiB - 2 * kMiB, 10 * kGiB});
  CHECK(out[1].range.start == 11 * kGiB);
}

TEST_CASE("property: a layout's slices are in order, aligned, inside one carve each, apart, and lowest") {
  std::mt19937_64 rng(17);
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<Range> carves;
    u64 at = (rng() % 64) * 2 * kMiB + 4 * kGiB;
    for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n) {
      const u64 size = (1 + rng() % 2048) * 2 * kMiB;
      carves.push_back(Range::FromSize(at, size));
      at += size + (rng() % 4) * 512 * kMiB;
    }
    std::vector<SliceSpec> specs;
    const u64 aligns[] = {4 * kKiB, 2 * kMiB, kGiB};
    for (int n = static_cast<int>(rng() % 6); n > 0; --n) {
      specs.push_back(SliceSpec{"s" + std::to_string(specs.size()), (1 + rng() % 600) * 2 * kMiB, aligns[rng() % 3]});
    }
    const u64 lead = rng() % 2 == 0 ? 0 : 2 * kMiB;
    std::vector<Slice> out;
    std::string err;
    const bool ok = LayoutSlices(carves, specs, lead, &out, &err);
    INFO("iter " << iter);
    if (!ok) {
      CHECK(out.empty());
      CHECK_FALSE(err.empty());
      continue;
    }
    REQUIRE(out.size() == specs.size());
    for (size_t i = 0; i < out.size(); ++i) {
      const Slice& s = out[i];
      CHECK(s.name == specs[i].name);
      CHECK(s.range.size() == specs[i].size);
      CHECK(IsAligned(s.range.start, specs[i].align));
      CHECK(s.extent == Range{s.range.start - lead, s.range.end});
      CHECK(carves[s.carve].Contains(s.extent));
      if (i > 0) {
        CHECK(out[i - 1].carve <= s.carve);
        CHECK(out[i - 1].range.end <= s.extent.start);
        // lowest: one alignment step lower would overlap the previous slice or leave the carve
        if (s.carve == out[i - 1].carve && s.range.start >= specs[i].align) {
          CHECK(s.range.start - specs[i].align < out[i - 1].range.end + lead);
        }
      }
    }
  }
}
