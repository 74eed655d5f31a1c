// SPDX-License-Identifier: GPL-2.0-or-later
// Stable names for the kept range: /dev/pmemreclaim/keep0, keep1, ... in
// address order, and /dev/pmemreclaim/keep when one device holds it; for
// named slices /dev/pmemreclaim/NAME, each to its slice's device; so
// that programs do not depend on pmemN numbering (which follows region
// order).  Made from the handoff record, by PID 1 / the boot hook right
// after it, and by udev on the real root (`pmemreclaim keep-link %k`).
#ifndef PMEMRECLAIM_KEEP_LINKS_H_
#define PMEMRECLAIM_KEEP_LINKS_H_

#include <string>
#include <vector>

#include "system.h"

namespace pmemreclaim {

// The /dev node of a kept device: a namespace's block device
// ("namespace0.0" -> "pmem0"), or the dax device itself ("dax0.0"); "" if
// the kernel shows none.
std::string DevNodeOf(SystemInterface& sys, const std::string& kept_device);

// Makes the links for the kept devices the record names; a line for each
// link that can't be made.
void MakeKeepLinks(SystemInterface& sys, const std::string& record);

// For udev: the link names (relative to /dev) of the kernel device `name`
// ("pmem0", "dax0.0"); empty when it holds no kept bytes.
std::vector<std::string> KeepLinksFor(SystemInterface& sys, const std::string& record, const std::string& name);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_KEEP_LINKS_H_
