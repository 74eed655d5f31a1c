// SPDX-License-Identifier: GPL-2.0-or-later
#include "release.h"

#include "firmware_map.h"
#include "iomem.h"
#include "log.h"
#include "memory_block.h"
#include "reclaim.h"
#include "platform.h"
#include "probe.h"

namespace pmemreclaim {

std::vector<std::string> KexecHazards(SystemInterface& sys, const std::vector<Range>& soft_reserved) {
  std::vector<std::string> out;
  std::vector<Range> carves = soft_reserved;
  for (const Range& c : LegacyCarveRanges(ReadIomem(sys))) carves.push_back(c);
  if (carves.empty()) return out;
  for (const FirmwareMapEntry& e : ReadFirmwareMap(sys)) {
    if (e.type != "System RAM") continue;
    for (const Range& c : carves) {
      if (e.range.Overlaps(c)) {
        out.push_back("carve " + Describe(c) + " is System RAM in the firmware's map (" + kFirmwareMap +
                      "): kexec -l (kexec_load) may load the next kernel into it and overwrite kept data; "
                      "use kexec -s (kexec_file_load)");
      }
    }
  }
  return out;
}

bool OnlinedByUs(SystemInterface& sys, const KmemDevice& d) {
  for (const auto& s : AllStrategies()) {
    if (s->Onlined(sys, d)) return true;
  }
  return false;
}

bool Release(SystemInterface& sys, NvdimmInterface& nvdimm) {
  bool all = true;
  const auto block = ReadBlockSize(sys);
  if (!block) {
    LogError(std::string("cannot read ") + kBlockSizePath + ": nothing released");
    return false;
  }
  std::vector<KmemDevice> devices;
  for (const KmemDevice& d : nvdimm.KmemDevices()) {
    if (OnlinedByUs(sys, d)) {
      devices.push_back(d);
    } else {
      const char* why = d.hmem ? "soft-reserved memory this boot's record does not name: the OS onlined it"
                        : IsCarveDevice(sys, d.bus_device) ? "a devdax without its mark"
                                                           : "not a RAM carve";
      LogInfo(d.devname + " " + Describe(d.range) + ": pmemreclaim did not online it (" + why + "); left as it is");
    }
  }
  if (devices.empty()) LogInfo("no dax device pmemreclaim onlined is in system-ram mode: nothing to release");
  for (const KmemDevice& d : devices) {
    int offline = 0, online = 0;
    for (const BlockState& b : OfflineBlocks(sys, d.range, *block)) {
      if (!b.online && b.error.empty()) {
        ++offline;
      } else {
        ++online;
        LogError(d.devname + ": memory" + std::to_string(b.index) + " stays online: " + b.error);
      }
    }
    std::string err;
    if (online > 0) {
      all = false;
      LogError(d.devname + " " + Describe(d.range) + ": " + std::to_string(online) + " of " +
               std::to_string(online + offline) + " blocks still online; kmem left bound");
    } else if (!nvdimm.ReturnToDevdax(d, &err)) {
      all = false;
      LogError(d.devname + ": blocks offline but " + err);
    } else {
      LogNotice(d.devname + " " + Describe(d.range) + ": " + std::to_string(offline) +
                " blocks offlined and removed; back in devdax mode");
    }
  }
  std::vector<Range> soft_reserved;
  for (const RegionInfo& r : nvdimm.HmemRegions()) {
    if (!r.range.empty()) soft_reserved.push_back(r.range);
  }
  for (const std::string& h : KexecHazards(sys, soft_reserved)) LogWarning(h);
  return all;
}

}  // namespace pmemreclaim
