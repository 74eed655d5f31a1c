// SPDX-License-Identifier: GPL-2.0-or-later
// Probing: what the running kernel has, read through the interfaces.
#ifndef PMEMRECLAIM_PROBE_H_
#define PMEMRECLAIM_PROBE_H_

#include <optional>
#include <string>
#include <vector>

#include "memory_block.h"
#include "nvdimm.h"
#include "plan.h"
#include "strategy.h"
#include "system.h"

namespace pmemreclaim {

// The PMD size of a kernel with this page size: 2 MiB for 4K pages, 32 MiB
// for 16K, 512 MiB for 64K.  Where the kernel starts devdax data.
u64 PmdSize(u64 page_size);

// MemTotal of /proc/meminfo text, in bytes.
std::optional<u64> ParseMemTotal(const std::string& meminfo);

// Everything the planner needs but the regions, or nullopt with *err.
std::optional<Geometry> ProbeGeometry(SystemInterface& sys, std::string* err);

// Opens the device layer into *nvdimm and reads what `strategy` plans on
// into *geometry: the geometry and the strategy's regions.  False with *err.
bool ProbeFor(const ReclaimStrategy& strategy, SystemInterface& sys, NvdimmInterface& nvdimm, Geometry* geometry,
              std::string* err);

// Sets RegionInfo::carve: true only for a region whose nd bus sits on a
// carve's platform device (e820_pmem, a pmem-region node) and, on
// e820_pmem, that the firmware's map lists as System RAM or a memmap=!
// covers (else RegionInfo::firmware_pmem: firmware_map.h).
void FindCarves(SystemInterface& sys, std::vector<RegionInfo>* regions);

// "not a RAM carve, never touched: region0 [..] (ACPI.NFIT), ..." for the
// regions that are not carves; "" when all are.
std::string ForeignRegionsLine(const std::vector<RegionInfo>& regions);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_PROBE_H_
