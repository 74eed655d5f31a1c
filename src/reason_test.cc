// SPDX-License-Identifier: GPL-2.0-or-later
#include "reason.h"

#include <catch2/catch.hpp>
#include <set>

namespace pmemreclaim {
namespace {

constexpr Reason kLast = Reason::kFailed;

std::vector<Reason> AllReasons() {
  std::vector<Reason> out;
  for (int i = 0; i <= static_cast<int>(kLast); ++i) out.push_back(static_cast<Reason>(i));
  return out;
}

bool KebabCase(const std::string& s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '-' ? s[i - 1] == '-' : !(c >= 'a' && c <= 'z')) return false;
  }
  return true;
}

TEST_CASE("reasons: every one has its own kebab-case name and a sentence") {
  std::set<std::string> names;
  for (Reason r : AllReasons()) {
    const std::string name = ReasonName(r);
    INFO(static_cast<int>(r) << " " << name);
    CHECK(name != "?");
    if (r == Reason::kNone) {
      CHECK(name.empty());
      CHECK(Explain(r).empty());
      CHECK(Explain(r, "x") == "x");
      continue;
    }
    CHECK(KebabCase(name));
    CHECK(names.insert(name).second);
    CHECK_FALSE(Explain(r).empty());
    CHECK(Explain(r, "uuid 1") == Explain(r) + " (uuid 1)");
  }
}

TEST_CASE("reasons: the names a fleet reads are there (README, man page)") {
  std::set<std::string> names;
  for (Reason r : AllReasons()) names.insert(ReasonName(r));
  for (const char* want : {"not-a-carve", "foreign-info-block", "foreign-namespace", "partly-kept", "no-numa-node",
                           "too-small", "label-area", "kept", "failed"}) {
    INFO(want);
    CHECK(names.count(want) == 1);
  }
}

}  // namespace
}  // namespace pmemreclaim
