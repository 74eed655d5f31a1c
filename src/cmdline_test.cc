// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline.h"

#include <catch2/catch.hpp>

using namespace pmemreclaim;

TEST_CASE("no pmemreclaim= means not requested") {
  const Options o = ParseCommandLine("console=ttyS0 memmap=2G!4G root=/dev/vda quiet");
  CHECK_FALSE(o.requested);
  CHECK(o.errors.empty());
  CHECK(o.strategy == Strategy::kOff);
}

TEST_CASE("every strategy") {
  CHECK(ParseCommandLine("pmemreclaim=auto").strategy == Strategy::kAuto);
  CHECK(ParseCommandLine("pmemreclaim=legacy").strategy == Strategy::kLegacy);
  CHECK(ParseCommandLine("pmemreclaim=ramdax").strategy == Strategy::kRamdax);
  CHECK(ParseCommandLine("pmemreclaim=hmem").strategy == Strategy::kHmem);
  const Options off = ParseCommandLine("pmemreclaim=off");
  CHECK(off.strategy == Strategy::kOff);
  CHECK(off.requested);
  CHECK(off.errors.empty());
}

TEST_CASE("all options together") {
  const Options o = ParseCommandLine(
      "ro memmap=126M!4G memmap=1922M!0x107E00000 pmemreclaim=legacy pmemreclaim.keep=126M "
      "pmemreclaim.zone=normal pmemreclaim.dry_run pmemreclaim.init=/sbin/init pmemreclaim.timeout=5");
  CHECK(o.errors.empty());
  CHECK(o.requested);
  CHECK(o.strategy == Strategy::kLegacy);
  CHECK(o.keep == 126 * kMiB);
  CHECK(o.zone == Zone::kNormal);
  CHECK(o.dry_run);
  CHECK(o.init == "/sbin/init");
  CHECK(o.timeout_seconds == 5);
}

TEST_CASE("defaults") {
  const Options o = ParseCommandLine("pmemreclaim=legacy");
  CHECK(o.keep == 0);
  CHECK(o.zone == Zone::kMovable);
  CHECK_FALSE(o.dry_run);
  CHECK(o.init.empty());
  CHECK(o.timeout_seconds == kDefaultTimeoutSeconds);
}

TEST_CASE("memmap_on_memory: auto by default, on, off") {
  CHECK(ParseCommandLine("pmemreclaim=legacy").memmap_on_memory == MemmapOnMemory::kAuto);
  CHECK(ParseCommandLine("pmemreclaim=legacy pmemreclaim.memmap_on_memory=on").memmap_on_memory ==
        MemmapOnMemory::kOn);
  CHECK(ParseCommandLine("pmemreclaim=legacy pmemreclaim.memmap_on_memory=off").memmap_on_memory ==
        MemmapOnMemory::kOff);
  CHECK(ParseCommandLine("pmemreclaim=legacy pmemreclaim.memmap_on_memory=auto").memmap_on_memory ==
        MemmapOnMemory::kAuto);
}

TEST_CASE("keep takes hex and suffixes") {
  CHECK(ParseCommandLine("pmemreclaim=auto pmemreclaim.keep=0x7e00000").keep == 0x7e00000);
  CHECK(ParseCommandLine("pmemreclaim=auto pmemreclaim.keep=1G").keep == kGiB);
}

TEST_CASE("dry_run values") {
  CHECK(ParseCommandLine("pmemreclaim=auto pmemreclaim.dry_run=1").dry_run);
  CHECK_FALSE(ParseCommandLine("pmemreclaim=auto pmemreclaim.dry_run=0").dry_run);
  CHECK_FALSE(ParseCommandLine("pmemreclaim=auto pmemreclaim.dry_run=maybe").errors.empty());
}

TEST_CASE("each bad value is one error") {
  for (const char* bad :
       {"pmemreclaim=fast", "pmemreclaim", "pmemreclaim=", "pmemreclaim.keep=lots", "pmemreclaim.keep=",
        "pmemreclaim.keep", "pmemreclaim.keep=-1M", "pmemreclaim.keep=99999999999999999999",
        "pmemreclaim.zone=dma", "pmemreclaim.zone", "pmemreclaim.init=init", "pmemreclaim.init=",
        "pmemreclaim.timeout=0", "pmemreclaim.timeout=soon", "pmemreclaim.timeout=3601", "pmemreclaim.kepe=126M",
        "pmemreclaim.=1", "pmemreclaim.memmap_on_memory", "pmemreclaim.memmap_on_memory=yes",
        "pmemreclaim.memmap_on_memory="}) {
    INFO(bad);
    const Options o = ParseCommandLine(std::string("memmap=2G!4G ") + bad);
    CHECK(o.errors.size() == 1);
  }
}

TEST_CASE("duplicates: same value is fine, different values are an error") {
  CHECK(ParseCommandLine("pmemreclaim=legacy pmemreclaim=legacy").errors.empty());
  const Options o = ParseCommandLine("pmemreclaim=legacy pmemreclaim.keep=1G pmemreclaim.keep=2G");
  REQUIRE(o.errors.size() == 1);
  CHECK(o.errors[0].find("pmemreclaim.keep") != std::string::npos);
  CHECK(ParseCommandLine("pmemreclaim=legacy pmemreclaim=ramdax").errors.size() == 1);
}

TEST_CASE("options that only look like ours are not ours") {
  const Options o = ParseCommandLine("pmemreclaimx=1 xpmemreclaim=2 pmemreclaim_keep=3");
  CHECK(o.errors.empty());
  CHECK_FALSE(o.requested);
}

TEST_CASE("quotes group and -- ends the kernel's options") {
  CHECK(SplitCommandLine("a \"b c\" d=\"e f\"") == std::vector<std::string>{"a", "b c", "d=e f"});
  CHECK(SplitCommandLine("  a\t\tb\n") == std::vector<std::string>{"a", "b"});
  CHECK(SplitCommandLine("") .empty());
  const Options o = ParseCommandLine("quiet -- pmemreclaim=legacy");
  CHECK_FALSE(o.requested);
  CHECK(ParseCommandLine("\"pmemreclaim=legacy\"").strategy == Strategy::kLegacy);
  CHECK(ParseCommandLine("pmemreclaim.init=\"/my init\" pmemreclaim=auto").init == "/my init");
  // A quote inside a name is a character of it, as for the kernel.
  CHECK_FALSE(ParseCommandLine("pmemrecla\"im=auto").requested);
  CHECK(SplitCommandLine("a\"b c\"d e") == std::vector<std::string>{"a\"b c\"d", "e"});
  CHECK(SplitCommandLine("\"x=1\" \"\"") == std::vector<std::string>{"x=1", ""});
}

TEST_CASE("names") {
  CHECK(std::string(StrategyName(Strategy::kRamdax)) == "ramdax");
  CHECK(std::string(ZoneName(Zone::kNormal)) == "normal");
}

TEST_CASE("pmemreclaim.keep with named slices: the slices, or one error naming what is wrong") {
  Options o = ParseCommandLine("pmemreclaim=hmem pmemreclaim.keep=vm*2:1G@1G,log:126M");
  CHECK(o.errors.empty());
  CHECK(o.keep == 0);
  REQUIRE(o.slices.size() == 3);
  CHECK(o.slices[0] == SliceSpec{"vm0", 1 * kGiB, 1 * kGiB});
  CHECK(o.slices[1] == SliceSpec{"vm1", 1 * kGiB, 1 * kGiB});
  CHECK(o.slices[2] == SliceSpec{"log", 126 * kMiB, 2 * kMiB});
  o = ParseCommandLine("pmemreclaim=hmem pmemreclaim.keep=256M");
  CHECK(o.errors.empty());
  CHECK(o.keep == 256 * kMiB);
  CHECK(o.slices.empty());
  o = ParseCommandLine("pmemreclaim=hmem pmemreclaim.keep=vm*4:1G@3G");
  REQUIRE(o.errors.size() == 1);
  CHECK(o.errors[0].find("ALIGN") != std::string::npos);
  CHECK(o.slices.empty());
  o = ParseCommandLine("pmemreclaim=hmem pmemreclaim.keep=lots");
  REQUIRE(o.errors.size() == 1);
  CHECK(o.errors[0].find("expected a size") != std::string::npos);
}
