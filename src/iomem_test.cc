// SPDX-License-Identifier: GPL-2.0-or-later
#include "iomem.h"

#include <catch2/catch.hpp>

using namespace pmemreclaim;

static const char kIomem[] =
    "00000000-00000fff : Reserved\n"
    "00001000-0009fbff : System RAM\n"
    "00100000-bffdefff : System RAM\n"
    "  2c000000-2d0025b7 : Kernel code\n"
    "100000000-13fffffff : System RAM\n"
    "140000000-1bfffffff : Persistent Memory (legacy)\n"
    "  140000000-1bfffffff : namespace0.0\n"
    "    140200000-1bfffffff : dax0.0\n"
    "      148000000-1bfffffff : System RAM (kmem)\n"
    "garbage line\n"
    "fff-000 : backwards\n"
    "1c0000000-23fffffff : System RAM";

TEST_CASE("iomem entries, names and depths") {
  const auto e = ParseIomem(kIomem);
  REQUIRE(e.size() == 10);
  CHECK(e[0].range == Range{0, 0x1000});
  CHECK(e[3].name == "Kernel code");
  CHECK(e[3].depth == 1);
  CHECK(e[8].depth == 3);
  CHECK(e[8].range == Range{0x148000000, 0x1c0000000});
  CHECK(e[9].range == Range{0x1c0000000, 0x240000000});  // last line without newline
}

TEST_CASE("find by exact name") {
  const auto e = ParseIomem(kIomem);
  CHECK(FindIomem(e, "System RAM").size() == 4);
  CHECK(FindIomem(e, "System RAM (kmem)") == std::vector<Range>{Range{0x148000000, 0x1c0000000}});
  CHECK(FindIomem(e, "Persistent Memory (legacy)") == std::vector<Range>{Range{0x140000000, 0x1c0000000}});
  CHECK(FindIomem(e, "Soft Reserved").empty());
}

TEST_CASE("empty and hostile text") {
  CHECK(ParseIomem("").empty());
  CHECK(ParseIomem("\n\n-\n : \n-:\n0-ffffffffffffffff : all\n").empty());
  CHECK(ParseIomem("0-0 : one byte\n").size() == 1);
}
