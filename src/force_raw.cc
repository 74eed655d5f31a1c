// SPDX-License-Identifier: GPL-2.0-or-later
#include "force_raw.h"

#include "cmdline.h"
#include "info_block.h"
#include "log.h"
#include "nvdimm.h"
#include "probe.h"
#include "timing.h"

namespace pmemreclaim {

namespace {

constexpr char kNdPmemModule[] = "/sys/module/nd_pmem";
constexpr char kDeviceDaxModule[] = "device_dax";

std::vector<RegionInfo> CarvesOf(SystemInterface& sys, NvdimmInterface& nvdimm) {
  std::vector<RegionInfo> regions = nvdimm.LegacyRegions();
  FindCarves(sys, &regions);
  return CarveRegions(regions);
}

// Clears force_raw on `ns` and lets the kernel probe it; logs the result.
void GiveBack(NvdimmInterface& nvdimm, const std::string& ns, const std::string& why) {
  std::string claimed, err;
  if (!nvdimm.Reprobe(ns, &claimed, &err)) {
    LogWarning(ns + " (" + why + "): " + err);
    return;
  }
  LogInfo(ns + " (" + why + ") given back to the kernel's probe: " +
          (claimed.empty() ? "raw" : "claimed by a " + claimed + " device"));
}

// Gives back, to the kernel's probe, each carve namespace still forced raw
// and, with `unattached`, each left without a driver (a give-back stopped
// between unbind and bind, one disabled by hand).  One the kernel refuses
// for its info block stays unbound (JudgeRawCarves then leaves it).
void GiveBackCarves(SystemInterface& sys, NvdimmInterface& nvdimm, bool unattached) {
  std::string why;
  if (!nvdimm.Rescan(&why)) {
    LogWarning("cannot give the forced-raw namespaces back to the kernel's probe: " + why);
    return;
  }
  for (const RegionInfo& r : CarvesOf(sys, nvdimm)) {
    if (r.namespace_name.empty()) continue;
    if (r.force_raw) {
      GiveBack(nvdimm, r.namespace_name, "left raw");
    } else if (unattached && r.unattached) {
      GiveBack(nvdimm, r.namespace_name, "left without a driver");
    }
  }
}

// Reads the first 8 KiB of each carve namespace attached forced raw (the
// carves as nd_pmem left them: LegacyRegions waits for the buses' probes, so
// the block devices are there).  One with an info block's signature, or
// that can't be read, goes back to the kernel's own probe, unless its carve
// ends in a label index; the rest stay forced raw, without struct pages.
void JudgeForcedCarves(SystemInterface& sys, NvdimmInterface& nvdimm) {
  std::string raw, labelled;
  for (const RegionInfo& r : CarvesOf(sys, nvdimm)) {
    if (!r.force_raw || r.namespace_name.empty()) continue;
    const std::string& ns = r.namespace_name;
    const auto start = nvdimm.ReadNamespace(ns, 0, kInfoBlockArea);
    const InfoBlock found = start ? FindInfoBlock(*start) : InfoBlock::kUnreadable;
    if (found == InfoBlock::kNone) {
      raw += (raw.empty() ? "" : ", ") + ns;
    } else if (r.labels_at_end) {
      // The carve ends in a label index (LegacyRegions read it through the
      // raw namespace): an info block at its start is the first labelled
      // namespace's (a devdax from the carve's first byte when nothing is
      // kept), which the label-less probe refuses.  Left raw: ramdax takes
      // the carve and judges it by its labels; legacy leaves a labelled
      // carve alone.  Nothing is written here.
      labelled += (labelled.empty() ? "" : ", ") + ns + " (" + InfoBlockName(found) + ")";
    } else {
      GiveBack(nvdimm, ns, std::string("holds ") + InfoBlockName(found));
    }
  }
  if (!raw.empty()) LogInfo("attached without struct pages (force_raw), no info block in their first 8 KiB: " + raw);
  if (!labelled.empty()) {
    LogInfo("attached without struct pages (force_raw), their carves end in a namespace label area (a ramdax "
            "layout: what their start holds is a labelled namespace's): " + labelled);
  }
}

}  // namespace

void ProbeUnattachedCarves(SystemInterface& sys, NvdimmInterface& nvdimm) {
  PhaseTimer timer(PhaseId::kLook);
  std::string why;
  if (!nvdimm.Rescan(&why)) return;
  bool attached = false;
  for (const RegionInfo& r : CarvesOf(sys, nvdimm)) {
    if (!r.unattached || r.namespace_name.empty()) continue;
    if (nvdimm.AttachRaw(r.namespace_name, &why)) {
      attached = true;
    } else {
      GiveBack(nvdimm, r.namespace_name, "left without a driver; " + why);
    }
  }
  if (attached) JudgeForcedCarves(sys, nvdimm);
}

void GiveBackForcedCarves(SystemInterface& sys, NvdimmInterface& nvdimm) { GiveBackCarves(sys, nvdimm, false); }

bool ReprobeMayRun(const Options& opts) { return !opts.dry_run && !opts.early; }

bool BootLookMayRun(const Options& opts) {
  return opts.early && opts.requested && opts.errors.empty() && !opts.dry_run && !opts.capture_kernel &&
         opts.strategy != Strategy::kOff;
}

std::vector<std::string> WithoutDeviceDax(const std::vector<std::string>& modules) {
  std::vector<std::string> out;
  for (const std::string& m : modules) {
    if (m != kDeviceDaxModule) out.push_back(m);
  }
  return out;
}

bool LoadLabelLessDrivers(SystemInterface& sys, NvdimmInterface& nvdimm, const std::vector<std::string>& modules,
                          bool early, std::string* err) {
  if (!early || modules.size() < 2) return LoadModules(sys, modules, err);
  // nd_pmem there already (auto's look loaded it, or the image did): no
  // look now, but device_dax still waits for FinishBootLook.
  if (sys.Exists(kNdPmemModule)) return LoadModules(sys, WithoutDeviceDax(modules), err);
  if (!LoadModules(sys, {modules.front()}, err)) return false;
  bool forced = false;
  {
    std::string why;
    if (!nvdimm.Rescan(&why)) {
      LogWarning("cannot look at the carves before nd_pmem loads (" + why + "): it maps them whole");
      return LoadModules(sys, modules, err);
    }
    for (const RegionInfo& r : CarvesOf(sys, nvdimm)) {
      if (r.namespace_name.empty()) continue;
      if (nvdimm.ForceRaw(r.namespace_name, &why)) {
        forced = true;
      } else {
        LogInfo("not forced raw: " + why);
      }
    }
  }
  const std::vector<std::string> rest = WithoutDeviceDax({modules.begin() + 1, modules.end()});
  if (!LoadModules(sys, rest, err)) {
    FinishBootLook(sys, nvdimm);
    return false;
  }
  if (!forced) return true;
  std::string why;
  if (!nvdimm.Rescan(&why)) {
    LogWarning("cannot read the forced-raw namespaces (" + why + ")");
    FinishBootLook(sys, nvdimm);
    return true;
  }
  JudgeForcedCarves(sys, nvdimm);
  return true;
}

void FinishBootLook(SystemInterface& sys, NvdimmInterface& nvdimm) {
  GiveBackCarves(sys, nvdimm, true);
  std::string why;
  if (!sys.LoadModule(kDeviceDaxModule, &why)) LogWarning(std::string("cannot load ") + kDeviceDaxModule + ": " + why);
}

}  // namespace pmemreclaim
