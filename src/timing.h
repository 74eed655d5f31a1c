// SPDX-License-Identifier: GPL-2.0-or-later
// Where the time of a reclaim goes: wall time and the kernel CPU time of
// this process (getrusage stime) for the whole job and for the phases that
// are the kernel's own work (loading modules, kmem adding the memory, the
// writes that online memory blocks).  The kernel time of the onlining phase
// is the floor no tool can go below; the benchmark reports the rest as the
// program's overhead.
#ifndef PMEMRECLAIM_TIMING_H_
#define PMEMRECLAIM_TIMING_H_

#include <array>
#include <string>

#include "size.h"

namespace pmemreclaim {

// A point in time: monotonic wall clock and the process's kernel CPU time.
struct Stamp {
  u64 wall_ns = 0;
  u64 kernel_ns = 0;
};
Stamp Now();

enum class PhaseId { kModules, kKmem, kOnline, kDevdax, kLook };
constexpr size_t kPhaseCount = 5;

struct Phase {
  u64 wall_ns = 0;
  u64 kernel_ns = 0;
  int count = 0;  // calls: modules loaded, devices bound, onlining calls (a device, or a block), devdax
                  // devices made (info block written, the kernel's dax probe), looks at the carves
};
using Phases = std::array<Phase, kPhaseCount>;

// Adds end - begin to the phase's totals (this process's).
void AddPhase(PhaseId id, const Stamp& begin, const Stamp& end);
const Phases& PhaseTotals();

// Times one call: the phase is charged from construction to destruction.
class PhaseTimer {
 public:
  explicit PhaseTimer(PhaseId id) : id_(id), begin_(Now()) {}
  ~PhaseTimer() { AddPhase(id_, begin_, Now()); }
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;

 private:
  PhaseId id_;
  Stamp begin_;
};

// "timing: job 3712 ms (kernel 2900 ms); modules 120 ms (kernel 100 ms, 6 loaded); kmem 400 ms
// (kernel 390 ms, 1 bound); onlining 2800 ms (kernel 2700 ms, 1 calls); devdax 40 ms (kernel 35 ms,
// 1 made); look 30 ms (kernel 20 ms, 2 looks)" (pure).
std::string FormatTimings(const Stamp& job_begin, const Stamp& job_end, const Phases& phases);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_TIMING_H_
