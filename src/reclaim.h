// SPDX-License-Identifier: GPL-2.0-or-later
// The driver: options -> strategy (auto resolved) -> prepare -> plan ->
// apply -> what the kernel reports.  The same for apply, boot and plan (a
// dry run).  Every failure is one clear line and leaves memory as it was.
#ifndef PMEMRECLAIM_RECLAIM_H_
#define PMEMRECLAIM_RECLAIM_H_

#include <memory>
#include <string>
#include <vector>

#include "cmdline.h"
#include "nvdimm.h"
#include "outcome.h"
#include "plan.h"
#include "strategy.h"
#include "system.h"

namespace pmemreclaim {

// The strategy type for legacy, ramdax or hmem; nullptr for auto and off.
std::unique_ptr<ReclaimStrategy> MakeStrategy(Strategy s);

// legacy, ramdax and hmem, in that order.
std::vector<std::unique_ptr<ReclaimStrategy>> AllStrategies();

// Every kernel module any strategy loads on `machine`, each once, without
// parameters, then those an image needs beside them: what an initramfs
// must hold (`pmemreclaim modules`; the dracut module and initrd/build.sh
// ask for it).
std::vector<std::string> AllModules(const std::string& machine);

// ramdax when it onlines at least as much as legacy on these carves (fresh
// layouts), else legacy (also without ramdax).
Strategy ChooseStrategy(const Geometry& geometry, const std::vector<Range>& carves, u64 keep, bool have_ramdax);

struct Resolution {
  Strategy strategy = Strategy::kLegacy;
  std::string why;  // for the log: "auto: ramdax (why)"
};

// `auto`, the one place it is decided, on x86 and arm64: hmem for
// soft-reserved memory with no label-less carve; legacy without ramdax,
// or where a carve holds an info block (nothing is moved); ramdax where a
// carve ends in a label area; else ChooseStrategy on the carves the
// label-less drivers show.  May load drivers; binds and writes nothing
// (the boot job's look may force carve namespaces raw: force_raw.h).
// False with *err (every carve left untouched).
bool ResolveAuto(SystemInterface& sys, NvdimmInterface& nvdimm, const Options& opts, Resolution* out,
                 std::string* err);

// A kdump capture kernel: `elfcorehdr=` on the command line, or
// /proc/vmcore.  Its carves may hold the crashed kernel's memory.
bool InCaptureKernel(const Options& opts, SystemInterface& sys);

// The whole job for parsed options.  Never throws.  Changes nothing in a
// capture kernel (one line says why).
Outcome Reclaim(const Options& opts, SystemInterface& sys, NvdimmInterface& nvdimm);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_RECLAIM_H_
