// PID 1 duties: mounts, the bounded worker, the handoff to the next init.
// The reclaim runs in a forked worker so that nothing it does - a crash, a
// hang in a sysfs write - can take PID 1 (and so the machine) down.
#ifndef PMEMRECLAIM_BOOT_H_
#define PMEMRECLAIM_BOOT_H_

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

// Runs `work` in a child process and waits at most `timeout_seconds`.
// Returns a line describing how it ended ("" when it exited 0); a worker
// that timed out is killed and reaped.
std::string RunBounded(const std::function<int()>& work, unsigned timeout_seconds);

// Writes the handoff record (handoff.h) to /run/pmemreclaim/state.json;
// a line when it can't.
void WriteHandoffRecord(SystemInterface& sys, const std::string& json);

// The reclaim of `opts` on this system in a worker bounded by
// pmemreclaim.timeout, ending with a "timing: ..." line; logs how it ended
// when that was not normal.  Leaves the handoff record (also when the worker
// died).  Never throws out of the worker.
void RunReclaimJob(const Options& opts);

// The whole PID 1 path; returns only if no init could be executed.
[[noreturn]] void BootMain(int argc, char** argv, char** envp);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_BOOT_H_
