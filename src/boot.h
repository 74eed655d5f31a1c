// SPDX-License-Identifier: GPL-2.0-or-later
// PID 1 duties: mounts, the bounded worker, the handoff to the next init.
// The reclaim runs in a forked worker so that nothing it does - a crash, a
// hang in a sysfs write - can take PID 1 (and so the machine) down.
#ifndef PMEMRECLAIM_BOOT_H_
#define PMEMRECLAIM_BOOT_H_

#include <signal.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cmdline.h"
#include "system.h"

namespace pmemreclaim {

// The inits to try, in order: pmemreclaim.init= if given, then /init, then
// /sbin/init (duplicates removed).
std::vector<std::string> InitCandidates(const std::string& requested);

// `inits` less those that are this program (is_self), each with a line:
// execing pmemreclaim as the next init would loop.
std::vector<std::string> WithoutSelf(const std::vector<std::string>& inits,
                                     const std::function<bool(const std::string&)>& is_self);

// After a worker that did not end normally: puts back the memory
// auto-online policy read before it started (it holds it at "offline"
// while kmem binds).  Returns a line saying what was done ("" if nothing).
std::string RestoreAfterWorker(SystemInterface& sys, const std::optional<std::string>& policy_before);

// How a bounded worker ended, when not normally.
struct Bounded {
  std::string how;     // a line; "" when it exited 0
  bool stuck = false;  // timed out and still not reaped after the grace:
                       // it sleeps in the kernel (a hung probe, a device lock)
};

// Runs `work` in a child process and waits at most `timeout_seconds`.  A
// worker that timed out is sent `stop_signal` (SIGKILL; tests pass one that
// leaves it unreaped) and waited for `grace_ms` more; one that is still
// there then is left (stuck): the caller hands off anyway, and the next
// init inherits it.  Nothing here waits without a bound.
Bounded RunBounded(const std::function<int()>& work, unsigned timeout_seconds, long grace_ms = 3000,
                   int stop_signal = SIGKILL);

// Writes the handoff record (handoff.h) to /run/pmemreclaim/state.json;
// a line when it can't.
void WriteHandoffRecord(SystemInterface& sys, const std::string& json);

// Bound on PID 1's own putting back after a worker that did not end well.
constexpr unsigned kPutBackSeconds = 10;

// The reclaim of `opts` on this system in a worker bounded by
// pmemreclaim.timeout, ending with a "timing: ..." line; logs how it ended
// when that was not normal.  Leaves the handoff record (also when the worker
// died).  Never throws out of the worker.  After a worker that did not end
// well it puts back the auto-online policy and the forced-raw namespaces in
// a second worker bounded by kPutBackSeconds; after one stuck in the kernel
// it puts back nothing (the same locks) and says what was left undone.
// Returns within timeout + grace + kPutBackSeconds + grace.
void RunReclaimJob(const Options& opts);

// The whole PID 1 path; returns only if no init could be executed.
[[noreturn]] void BootMain(int argc, char** argv, char** envp);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_BOOT_H_
