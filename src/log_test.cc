// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"

#include <catch2/catch.hpp>
#include <random>

using namespace pmemreclaim;

namespace {

// The message back from its records: continued ones appended to the
// record before, less their mark.
std::string Rejoin(const std::vector<std::string>& records) {
  std::string out;
  bool first = true;
  for (const std::string& r : records) {
    if (!first && r.rfind(kLogContinued, 0) == 0) {
      out += r.substr(sizeof kLogContinued - 1);
    } else {
      if (!first) out += '\n';
      out += r;
    }
    first = false;
  }
  return out;
}

}  // namespace

TEST_CASE("log records: one per line, a long line split at a blank, nothing cut") {
  CHECK(LogRecords("a\nb", 900) == std::vector<std::string>{"a", "b"});
  CHECK(LogRecords("", 900) == std::vector<std::string>{""});
  const std::vector<std::string> r = LogRecords("aaaa bbbb cccc dddd", 16);
  CHECK(r == std::vector<std::string>{"aaaa bbbb cccc ", "(continued) dddd"});
  // no blank near: a hard split
  const std::string word(30, 'x');
  CHECK(LogRecords(word, 20) == std::vector<std::string>{std::string(20, 'x'), "(continued) xxxxxxxx", "(continued) xx"});
}

TEST_CASE("log records, property: each fits, and the message comes back whole") {
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const size_t width = 16 + rng() % 200;
    std::string m(rng() % 3000, 'a');
    for (char& c : m) {
      const unsigned k = rng() % 20;
      c = k == 0 ? ' ' : k == 1 && rng() % 10 == 0 ? '\n' : static_cast<char>('a' + k);
    }
    const std::vector<std::string> records = LogRecords(m, width);
    for (const std::string& r : records) CHECK(r.size() <= width);
    CHECK(Rejoin(records) == m);
  }
}
