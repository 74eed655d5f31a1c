// SPDX-License-Identifier: GPL-2.0-or-later
#include "timing.h"

#include <catch2/catch.hpp>

namespace pmemreclaim {

TEST_CASE("FormatTimings rounds to milliseconds and names every phase") {
  Phases phases;
  phases[static_cast<size_t>(PhaseId::kModules)] = {120400000, 99600000, 6};
  phases[static_cast<size_t>(PhaseId::kKmem)] = {400000000, 390000000, 1};
  phases[static_cast<size_t>(PhaseId::kOnline)] = {2800499999, 2700500000, 1};
  phases[static_cast<size_t>(PhaseId::kDevdax)] = {40000000, 35000000, 1};
  phases[static_cast<size_t>(PhaseId::kLook)] = {30000000, 20499999, 2};
  const Stamp begin{1000000000, 5000000};
  const Stamp end{4712000000, 2905000000};
  CHECK(FormatTimings(begin, end, phases) ==
        "timing: job 3712 ms (kernel 2900 ms); modules 120 ms (kernel 100 ms, 6 loaded); "
        "kmem 400 ms (kernel 390 ms, 1 bound); onlining 2800 ms (kernel 2701 ms, 1 calls); "
        "devdax 40 ms (kernel 35 ms, 1 made); look 30 ms (kernel 20 ms, 2 looks)");
}

TEST_CASE("FormatTimings never goes negative when clocks step back") {
  const Stamp begin{5000000000, 7000000};
  const Stamp end{4000000000, 3000000};
  CHECK(FormatTimings(begin, end, Phases{}).rfind("timing: job 0 ms (kernel 0 ms);", 0) == 0);
}

TEST_CASE("PhaseTimer charges a phase once per call, with the process's time") {
  const Phase before = PhaseTotals()[static_cast<size_t>(PhaseId::kKmem)];
  {
    PhaseTimer t(PhaseId::kKmem);
    volatile u64 x = 0;
    for (int i = 0; i < 1000000; ++i) x = x + static_cast<u64>(i);
  }
  const Phase after = PhaseTotals()[static_cast<size_t>(PhaseId::kKmem)];
  CHECK(after.count == before.count + 1);
  CHECK(after.wall_ns > before.wall_ns);
  CHECK(after.kernel_ns >= before.kernel_ns);
}

TEST_CASE("Now is monotonic") {
  const Stamp a = Now();
  const Stamp b = Now();
  CHECK(b.wall_ns >= a.wall_ns);
  CHECK(b.kernel_ns >= a.kernel_ns);
}

}  // namespace pmemreclaim
