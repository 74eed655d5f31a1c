// SPDX-License-Identifier: GPL-2.0-or-later
#include "size.h"

#include <catch2/catch.hpp>

using namespace pmemreclaim;

TEST_CASE("ParseSize reads memparse suffixes") {
  CHECK(ParseSize("0") == u64{0});
  CHECK(ParseSize("4096") == u64{4096});
  CHECK(ParseSize("1k") == kKiB);
  CHECK(ParseSize("128K") == 128 * kKiB);
  CHECK(ParseSize("126M") == 126 * kMiB);
  CHECK(ParseSize("126m") == 126 * kMiB);
  CHECK(ParseSize("2G") == 2 * kGiB);
  CHECK(ParseSize("1T") == u64{1} << 40);
  CHECK(ParseSize("1P") == u64{1} << 50);
  CHECK(ParseSize("1E") == u64{1} << 60);
  CHECK(ParseSize("0x80200000") == u64{0x80200000});
  CHECK(ParseSize("0X13FE00000") == u64{0x13FE00000});
  CHECK(ParseSize("0x2G") == 2 * kGiB);
  CHECK(ParseSize("010") == u64{8});  // octal, as memparse
}

TEST_CASE("ParseSize: a trailing e or E in a hex number is a digit") {
  CHECK(ParseSize("0x1e") == u64{0x1e});
  CHECK(ParseSize("0x1E") == u64{0x1e});
}

TEST_CASE("ParseSize rejects what memparse would half-read") {
  for (const char* bad : {"", "M", "0x", "12MB", "1.5G", "-1", "+1", " 1", "1 ", "2GG", "08", "0xg", "12Q",
                          "18446744073709551616", "16E", "0x1ffffffffffffffffK"}) {
    INFO(bad);
    CHECK_FALSE(ParseSize(bad).has_value());
  }
}

TEST_CASE("ParseSize takes the largest values and no more") {
  CHECK(ParseSize("18446744073709551615") == ~u64{0});
  CHECK(ParseSize("15E") == u64{15} << 60);
  CHECK(ParseSize("0xffffffffffffffff") == ~u64{0});
  CHECK_FALSE(ParseSize("17179869184G").has_value());
  CHECK(ParseSize("17179869183G") == u64{17179869183} << 30);
}

TEST_CASE("ParseHex reads sysfs numbers") {
  CHECK(ParseHex("8000000\n") == u64{0x8000000});
  CHECK(ParseHex("0x140000000") == u64{0x140000000});
  CHECK_FALSE(ParseHex("").has_value());
  CHECK_FALSE(ParseHex("12z").has_value());
}

TEST_CASE("sizes print exactly") {
  CHECK(HumanSize(0) == "0 B");
  CHECK(HumanSize(2 * kGiB) == "2 GiB");
  CHECK(HumanSize(1920 * kMiB) == "1920 MiB");
  CHECK(HumanSize(2 * kMiB + 128 * kKiB) == "2176 KiB");
  CHECK(HumanSize(4097) == "4097 B");
  CHECK(KernelSize(2 * kGiB) == "2G");
  CHECK(KernelSize(1922 * kMiB) == "1922M");
  CHECK(KernelSize(0x107e00000) == "4222M");
  CHECK(KernelSize(4097) == "0x1001");
  CHECK(Hex(0) == "0x0");
  CHECK(Hex(0x13fe00000) == "0x13fe00000");
}

TEST_CASE("KernelSize and ParseSize round-trip") {
  for (u64 v : {u64{1}, u64{4096}, u64{0x80200000}, 126 * kMiB, 3 * kGiB, u64{0x123456789}, ~u64{0}}) {
    CHECK(ParseSize(KernelSize(v)) == v);
  }
}

TEST_CASE("alignment helpers") {
  CHECK(AlignUp(0, 4096) == 0);
  CHECK(AlignUp(1, 4096) == 4096);
  CHECK(AlignDown(8191, 4096) == 4096);
  CHECK(AlignUp(~u64{0}, 4096) == AlignDown(~u64{0}, 4096));  // saturates
  CHECK(IsPowerOfTwo(2 * kMiB));
  CHECK_FALSE(IsPowerOfTwo(0));
  CHECK_FALSE(IsPowerOfTwo(3 * kMiB));
}
