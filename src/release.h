// SPDX-License-Identifier: GPL-2.0-or-later
// `pmemreclaim release`: before a kexec (or shutdown), give back the
// memory pmemreclaim onlined so that the carve can hold new data: offline
// its memory blocks, unbind kmem, and leave the dax device in devdax mode.
// And the kexec hazard check.
#ifndef PMEMRECLAIM_RELEASE_H_
#define PMEMRECLAIM_RELEASE_H_

#include <string>
#include <vector>

#include "nvdimm.h"
#include "range.h"
#include "system.h"

namespace pmemreclaim {

// kexec_load (`kexec -l`) takes its ranges from /sys/firmware/memmap, which
// lists a memmap=! or memmap=% carve as System RAM, and can put the new
// kernel inside the carve.  The carves: "Persistent Memory (legacy)" of
// /proc/iomem and the soft-reserved regions given.  One line per carve at
// risk; empty when none.
std::vector<std::string> KexecHazards(SystemInterface& sys, const std::vector<Range>& soft_reserved = {});

// Did pmemreclaim online this kmem device?  Asks each strategy: a
// soft-reserved (hmem) one, or a devdax of a carve that carries
// pmemreclaim's mark (legacy, ramdax).
bool OnlinedByUs(SystemInterface& sys, const KmemDevice& d);

// The whole release: every kmem dax device pmemreclaim onlined (OnlinedByUs)
// has its blocks offlined; a device whose blocks are all offline goes back
// to devdax.  Any other kmem device is left as it is, with a line.  Logs one
// line per block that stays online (and why), one per device, and the kexec
// hazards.  True when everything was released.
bool Release(SystemInterface& sys, NvdimmInterface& nvdimm);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_RELEASE_H_
