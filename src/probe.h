// Probing: what the running kernel has, read through the interfaces.
#ifndef PMEMRECLAIM_PROBE_H_
#define PMEMRECLAIM_PROBE_H_

#include <optional>
#include <string>
#include <vector>

#include "nvdimm.h"
#include "plan.h"
#include "system.h"

namespace pmemreclaim {

constexpr char kBlockSizePath[] = "/sys/devices/system/memory/block_size_bytes";
constexpr char kAutoOnlinePath[] = "/sys/devices/system/memory/auto_online_blocks";

// /sys/devices/system/memory/memoryN/state of memory block N.
std::string MemoryBlockStatePath(u64 index);

// /sys/devices/system/memory/block_size_bytes; nullopt if absent or odd.
std::optional<u64> ReadBlockSize(SystemInterface& sys);

// The PMD size of a kernel with this page size: 2 MiB for 4K pages, 32 MiB
// for 16K, 512 MiB for 64K.  Where the kernel starts devdax data.
u64 PmdSize(u64 page_size);

// MemTotal of /proc/meminfo text, in bytes.
std::optional<u64> ParseMemTotal(const std::string& meminfo);

// System RAM at the top level of /proc/iomem.
std::vector<Range> ReadSystemRam(SystemInterface& sys);

// Everything the planner needs but the regions, or nullopt with *err.
std::optional<Machine> ProbeGeometry(SystemInterface& sys, std::string* err);

// Sets RegionInfo::carve: true only for a region whose nd bus sits on a
// carve's platform device (e820_pmem, a pmem-region node).
void MarkCarves(SystemInterface& sys, std::vector<RegionInfo>* regions);

// "not a RAM carve, never touched: region0 [..] (ACPI.NFIT), ..." for the
// regions that are not carves; "" when all are.
std::string ForeignRegionsLine(const std::vector<RegionInfo>& regions);

// Everything the planner needs, with the label-less regions (legacy) or
// those of ramdax buses, each marked carve or not, or nullopt with *err.
std::optional<Machine> ProbeMachine(SystemInterface& sys, NvdimmInterface& nvdimm, Strategy strategy,
                                    std::string* err);

// x86 memmap=nn!ss carves as the kernel lists them in /proc/iomem, before
// any driver binds them.
std::vector<Range> ReadLegacyCarves(SystemInterface& sys);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_PROBE_H_
