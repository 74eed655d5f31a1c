// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"
#include "json.h"

#include <map>

#include <catch2/catch.hpp>

using namespace pmemreclaim;

TEST_CASE("JSON strings are escaped") {
  CHECK(JsonString("a\"b\\c\n") == "\"a\\\"b\\\\c\\u000a\"");
}

TEST_CASE("plan JSON carries the numbers and the advice") {
  Geometry m;
  m.regions.push_back(RawRegion("region0", Range::FromSize(4 * kGiB, 2 * kGiB)));
  const std::string j = PlanJson(Arch::kX86_64, PlanLegacy(m, 0));
  CHECK(j.find("\"onlined\":2013265920") != std::string::npos);
  CHECK(j.find("\"lost\":134217728") != std::string::npos);
  CHECK(j.find("\"next_boot\":\"memmap=1922M!4222M\"") != std::string::npos);
  CHECK(j.find("\"action\":\"create-devdax\"") != std::string::npos);
  const std::string t = PlanText(Arch::kX86_64, PlanLegacy(m, 0));
  CHECK(t.find("region0 [0x100000000-0x17fffffff]: create-devdax, online [0x108000000-0x17fffffff]") !=
        std::string::npos);
}

namespace {
std::vector<BlockState> Blocks(u64 first, u64 count, std::map<u64, std::string> errors) {
  std::vector<BlockState> out;
  for (u64 i = first; i < first + count; ++i) {
    BlockState b;
    b.index = i;
    b.added = true;
    b.online = !errors.count(i);
    if (!b.online) b.error = errors[i];
    out.push_back(b);
  }
  return out;
}
}  // namespace

TEST_CASE("blocks line: one block offline, named with its range and reason") {
  CHECK(BlocksLine(Blocks(33, 15, {{40, "online_movable: No space left on device"}}), 128 * kMiB) ==
        "onlined 14 of 15 memory blocks; memory40 [0x140000000-0x147ffffff] stays offline "
        "(online_movable: No space left on device)");
  CHECK(BlocksLine(Blocks(33, 15, {}), 128 * kMiB) == "onlined 15 of 15 memory blocks");
}

TEST_CASE("blocks line: adjacent blocks with the same reason are one run") {
  const std::string busy = "online_movable: Device or resource busy";
  const std::string eio = "online_movable: Input/output error";
  CHECK(BlocksLine(Blocks(33, 15, {{40, busy}, {41, busy}, {42, eio}, {47, busy}}), 128 * kMiB) ==
        "onlined 11 of 15 memory blocks; memory40-41 [0x140000000-0x14fffffff] stay offline (" + busy +
            "), memory42 [0x150000000-0x157ffffff] stays offline (" + eio + "), memory47 [0x178000000-0x17fffffff] "
            "stays offline (" + busy + ")");
}

TEST_CASE("blocks line: runs beyond the first few are counted, not listed") {
  std::map<u64, std::string> every_other;
  for (u64 i = 0; i < 8; ++i) every_other[2 * i] = "x";
  const std::string line = BlocksLine(Blocks(0, 16, every_other), 128 * kMiB);
  CHECK(line.rfind("onlined 8 of 16 memory blocks; memory0 [0x0-0x7ffffff] stays offline (x), ", 0) == 0);
  CHECK(line.find("memory6 [") != std::string::npos);
  CHECK(line.find("memory8 [") == std::string::npos);
  CHECK(line.substr(line.size() - 19) == ", and 4 more blocks");
}
