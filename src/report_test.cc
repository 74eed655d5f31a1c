#include "report.h"

#include <catch2/catch.hpp>

using namespace pmemreclaim;

TEST_CASE("JSON strings are escaped") {
  CHECK(JsonString("a\"b\\c\n") == "\"a\\\"b\\\\c\\u000a\"");
}

TEST_CASE("plan JSON carries the numbers and the advice") {
  Machine m;
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
