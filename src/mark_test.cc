// SPDX-License-Identifier: GPL-2.0-or-later
#include "mark.h"

#include <catch2/catch.hpp>
#include <set>

using namespace pmemreclaim;

TEST_CASE("a mark is a version 8 uuid, stable for a role and range") {
  const Range r = Range::FromSize(4 * kGiB, 2 * kGiB);
  const std::string u = MarkUuid(MarkRole::kDevdax, r);
  REQUIRE(u.size() == 36);
  CHECK(u[8] == '-');
  CHECK(u[13] == '-');
  CHECK(u[14] == '8');  // version
  CHECK(std::string("89ab").find(u[19]) != std::string::npos);  // variant
  CHECK(MarkUuid(MarkRole::kDevdax, r) == u);
  CHECK(HasMark(u, MarkRole::kDevdax, r));
  std::string upper = u;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  CHECK(HasMark(upper, MarkRole::kDevdax, r));
}

TEST_CASE("marks differ by role and by range, and random uuids are not marks") {
  std::set<std::string> seen;
  for (MarkRole role : {MarkRole::kDevdax, MarkRole::kKeepNamespace, MarkRole::kDaxNamespace}) {
    for (u64 start = 4 * kGiB; start < 4 * kGiB + 64 * kMiB; start += 2 * kMiB) {
      for (u64 size : {2 * kMiB, 126 * kMiB, 2 * kGiB}) {
        CHECK(seen.insert(MarkUuid(role, Range::FromSize(start, size))).second);
      }
    }
  }
  const Range r = Range::FromSize(4 * kGiB, 2 * kGiB);
  CHECK_FALSE(HasMark(MarkUuid(MarkRole::kKeepNamespace, r), MarkRole::kDevdax, r));
  CHECK_FALSE(HasMark(MarkUuid(MarkRole::kDevdax, Range::FromSize(4 * kGiB, kGiB)), MarkRole::kDevdax, r));
  CHECK_FALSE(HasMark("6b1c3c0e-0d4a-4a6e-9a57-0f0d4b2f5e11", MarkRole::kDevdax, r));  // as ndctl makes them
  CHECK_FALSE(HasMark("", MarkRole::kDevdax, r));
}
