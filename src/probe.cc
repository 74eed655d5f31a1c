// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe.h"

#include "firmware_map.h"
#include "iomem.h"
#include "platform.h"
#include "timing.h"

namespace pmemreclaim {

u64 PmdSize(u64 page_size) {
  // A page table page holds page_size / 8 entries, each mapping a page.
  return IsPowerOfTwo(page_size) && page_size >= 4096 ? page_size * (page_size / 8) : 2 * kMiB;
}

std::optional<u64> ParseMemTotal(const std::string& meminfo) {
  const size_t at = meminfo.find("MemTotal:");
  if (at == std::string::npos) return std::nullopt;
  size_t i = at + 9;
  while (i < meminfo.size() && meminfo[i] == ' ') ++i;
  size_t j = i;
  while (j < meminfo.size() && meminfo[j] >= '0' && meminfo[j] <= '9') ++j;
  const auto kb = ParseNumber(meminfo.substr(i, j - i));
  if (!kb || meminfo.compare(j, 3, " kB") != 0 || *kb > (~u64{0} >> 10)) return std::nullopt;
  return *kb << 10;
}

std::optional<Geometry> ProbeGeometry(SystemInterface& sys, std::string* err) {
  Geometry m;
  const std::string arch = sys.Machine();
  if (arch == "x86_64") {
    m.arch = Arch::kX86_64;
  } else if (arch == "aarch64") {
    m.arch = Arch::kArm64;
  } else {
    *err = "unsupported architecture '" + arch + "'";
    return std::nullopt;
  }
  const auto block = ReadBlockSize(sys);
  if (!block) {
    *err = std::string("cannot read the memory block size from ") + kBlockSizePath +
           " (kernel without memory hotplug?)";
    return std::nullopt;
  }
  m.block_size = *block;
  m.page_size = std::max<u64>(sys.PageSize(), 4 * kKiB);
  m.dax_align = PmdSize(m.page_size);
  m.ram = SystemRamRanges(ReadIomem(sys));
  return m;
}

bool ProbeFor(const ReclaimStrategy& strategy, SystemInterface& sys, NvdimmInterface& nvdimm, Geometry* geometry,
              std::string* err) {
  PhaseTimer timer(PhaseId::kLook);
  if (!nvdimm.Rescan(err)) return false;
  auto m = ProbeGeometry(sys, err);
  if (!m) return false;
  *geometry = *m;
  geometry->regions = strategy.Regions(sys, nvdimm);
  return true;
}

void FindCarves(SystemInterface& sys, std::vector<RegionInfo>* regions) {
  std::optional<std::vector<FirmwareMapEntry>> map;
  std::vector<Range> memmap;
  for (RegionInfo& r : *regions) {
    r.carve = IsCarveDevice(sys, r.bus_device);
    // e820 type 12 is RAM carved out (memmap=!) or firmware pmem: only RAM
    // is a carve.  (A device-tree pmem-region can't be told apart: README.)
    if (!r.carve || r.bus_device != std::string(kPlatformDevicesRoot) + kE820PmemDevice) continue;
    if (!map) {
      map = ReadFirmwareMap(sys);
      memmap = MemmapCarves(sys.ReadFile("/proc/cmdline").value_or(""));
    }
    if (!CarvedFromRam(r.range, *map, memmap)) {
      r.carve = false;
      r.firmware_pmem = true;
    }
  }
}

std::string ForeignRegionsLine(const std::vector<RegionInfo>& regions) {
  std::string line;
  for (const RegionInfo& r : regions) {
    if (r.carve) continue;
    line += (line.empty() ? "" : ", ") + r.name + " " + Describe(r.range) + " (" +
            (r.provider.empty() ? "provider unknown" : r.provider) +
            (r.firmware_pmem ? std::string(": ") + Explain(Reason::kFirmwarePmem) : "") + ")";
  }
  return line.empty() ? "" : "not a RAM carve, never touched: " + line;
}

}  // namespace pmemreclaim
