// SPDX-License-Identifier: GPL-2.0-or-later
// The boot job's cheap look at the carves.  nd_pmem maps struct pages for
// a whole raw namespace when it attaches it (1.6 % of the carve, growing
// the boot with the carve: docs/COLDBOOT.md), only for pmemreclaim to
// throw them away.  Forcing the carve namespaces raw before nd_pmem loads
// skips that mapping, but also the kernel's info-block probes: pmemreclaim
// reads the first 8 KiB itself, and any namespace with an info block's
// signature goes back to the kernel's own probe at once.  device_dax loads
// last, once kmem has taken the dax devices to online: a dax device it
// binds first is mapped (struct pages again) only to be unmapped for kmem.
#ifndef PMEMRECLAIM_FORCE_RAW_H_
#define PMEMRECLAIM_FORCE_RAW_H_

#include <string>
#include <vector>

#include "strategy.h"

namespace pmemreclaim {

// Whether the job these options ask for may take the cheap look: the boot
// job (Options::early) about to lay out carves, not a dry run, not off,
// with good options.
bool BootLookMayRun(const Options& opts);

// Whether the job these options ask for probes unattached carve namespaces
// again before reading the carves (ProbeUnattachedCarves): `apply` on a
// running system, not a dry run.  Under `auto` the carves are read twice
// (to choose, then by the chosen strategy) and a namespace the kernel
// refuses is probed twice: the kernel refuses it twice, nothing changes.
bool ReprobeMayRun(const Options& opts);

// `modules` without device_dax, the one module the boot job leaves for
// FinishBootLook.
std::vector<std::string> WithoutDeviceDax(const std::vector<std::string>& modules);

// Loads the label-less drivers `modules` in order, the bus driver
// (nd_e820, of_pmem) first.  With `early` (the boot job: nothing else
// runs) and nd_pmem not yet loaded, device_dax is left for FinishBootLook,
// and every carve namespace no driver holds is forced raw before the rest
// load; then its first 8 KiB are read.  One
// with a signature (or that can't be read) is probed again by the kernel,
// force_raw cleared, as if it had never been set; one without stays forced
// raw (the kernel would have called it raw too) until CreateDevdax claims
// it or FinishBootLook gives it back.  Namespaces of regions that are not
// carves are never touched.  With `early` and nd_pmem loaded already
// (auto's look, or the image), no look, and device_dax is still left for
// FinishBootLook.  False with *err when a module won't load (every forced
// namespace given back first).
bool LoadLabelLessDrivers(SystemInterface& sys, NvdimmInterface& nvdimm, const std::vector<std::string>& modules,
                          bool early, std::string* err);

// `apply` on a running system (not a dry run, not the boot job): each carve
// namespace no driver holds (disabled by hand, `ndctl destroy-namespace`,
// or a give-back stopped halfway) is attached before the carves are read,
// the way the boot job's look does it: forced raw (no struct pages for a
// namespace about to become a devdax), then its first 8 KiB read; one with
// an info block's signature, or that won't attach raw, goes to the kernel's
// own probe, and one the kernel refuses stays unbound and is left.
void ProbeUnattachedCarves(SystemInterface& sys, NvdimmInterface& nvdimm);

// The end of `apply`: every carve namespace still forced raw (a kept
// region, a carve not claimed, an error on the way) goes back to the
// kernel's probe, as at the end of the boot job.
void GiveBackForcedCarves(SystemInterface& sys, NvdimmInterface& nvdimm);

// Gives every carve namespace still forced raw, or left without a driver,
// back to the kernel's probe,
// logging what the kernel made of each, then loads device_dax (any dax
// device kmem did not take gets its /dev/daxX.Y as without the look).  The
// boot job calls it when it is done, and PID 1 when the worker died.
void FinishBootLook(SystemInterface& sys, NvdimmInterface& nvdimm);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_FORCE_RAW_H_
