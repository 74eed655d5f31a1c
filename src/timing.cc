// SPDX-License-Identifier: GPL-2.0-or-later
#include "timing.h"

#include <sys/resource.h>
#include <time.h>

namespace pmemreclaim {

namespace {

Phases g_phases;

u64 Ms(u64 ns) { return (ns + 500000) / 1000000; }

u64 Diff(u64 end, u64 begin) { return end > begin ? end - begin : 0; }

std::string Span(u64 wall_ns, u64 kernel_ns) {
  return std::to_string(Ms(wall_ns)) + " ms (kernel " + std::to_string(Ms(kernel_ns)) + " ms";
}

}  // namespace

Stamp Now() {
  Stamp s;
  struct timespec ts {};
  if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0) {
    s.wall_ns = static_cast<u64>(ts.tv_sec) * 1000000000u + static_cast<u64>(ts.tv_nsec);
  }
  struct rusage ru {};
  if (getrusage(RUSAGE_SELF, &ru) == 0) {
    s.kernel_ns = static_cast<u64>(ru.ru_stime.tv_sec) * 1000000000u + static_cast<u64>(ru.ru_stime.tv_usec) * 1000u;
  }
  return s;
}

void AddPhase(PhaseId id, const Stamp& begin, const Stamp& end) {
  Phase& p = g_phases[static_cast<size_t>(id)];
  p.wall_ns += Diff(end.wall_ns, begin.wall_ns);
  p.kernel_ns += Diff(end.kernel_ns, begin.kernel_ns);
  p.count++;
}

const Phases& PhaseTotals() { return g_phases; }

std::string FormatTimings(const Stamp& job_begin, const Stamp& job_end, const Phases& phases) {
  struct Name {
    const char* phase;
    const char* what;
  };
  constexpr Name kNames[kPhaseCount] = {{"modules", "loaded"}, {"kmem", "bound"}, {"onlining", "calls"},
                                        {"devdax", "made"},  {"look", "looks"}};
  std::string line = "timing: job " + Span(Diff(job_end.wall_ns, job_begin.wall_ns),
                                           Diff(job_end.kernel_ns, job_begin.kernel_ns)) + ")";
  for (size_t i = 0; i < kPhaseCount; ++i) {
    const Phase& p = phases[i];
    line += std::string("; ") + kNames[i].phase + " " + Span(p.wall_ns, p.kernel_ns) + ", " +
            std::to_string(p.count) + " " + kNames[i].what + ")";
  }
  return line;
}

}  // namespace pmemreclaim
