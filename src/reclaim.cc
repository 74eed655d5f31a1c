// SPDX-License-Identifier: GPL-2.0-or-later
#include "reclaim.h"

#include <algorithm>

#include "force_raw.h"
#include "handoff.h"
#include "hmem.h"
#include "iomem.h"
#include "legacy.h"
#include "log.h"
#include "memory_block.h"
#include "platform.h"
#include "probe.h"
#include "ramdax.h"
#include "report.h"

namespace pmemreclaim {

std::unique_ptr<ReclaimStrategy> MakeStrategy(Strategy s) {
  switch (s) {
    case Strategy::kLegacy: return std::make_unique<LegacyStrategy>();
    case Strategy::kRamdax: return std::make_unique<RamdaxStrategy>();
    case Strategy::kHmem: return std::make_unique<HmemStrategy>();
    case Strategy::kAuto:
    case Strategy::kOff: break;
  }
  return nullptr;
}

std::vector<std::unique_ptr<ReclaimStrategy>> AllStrategies() {
  std::vector<std::unique_ptr<ReclaimStrategy>> out;
  for (Strategy s : {Strategy::kLegacy, Strategy::kRamdax, Strategy::kHmem}) out.push_back(MakeStrategy(s));
  return out;
}

std::vector<std::string> AllModules(const std::string& machine) {
  std::vector<std::string> out;
  for (const auto& s : AllStrategies()) {
    for (const std::string& m : s->Modules(machine)) {
      const std::string name = m.substr(0, m.find(' '));
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
  }
  // Not loaded by name, but an image needs them: nd_btt and (before Linux
  // 5.1's dax bus) dax_pmem_compat let the kernel recognise a btt or devdax
  // info block a carve holds; libnvdimm and dax_pmem_core are dependencies
  // kept by name for kernels that build them in others' place.
  for (const char* m : {"libnvdimm", "nd_btt", "dax_pmem_core", "dax_pmem_compat"}) out.push_back(m);
  return out;
}

Strategy ChooseStrategy(const Geometry& geometry, const std::vector<Range>& carves, u64 keep, bool have_ramdax) {
  if (!have_ramdax || carves.empty()) return Strategy::kLegacy;
  Geometry legacy = geometry;
  Geometry ramdax = geometry;
  legacy.regions.clear();
  ramdax.regions.clear();
  for (size_t i = 0; i < carves.size(); ++i) {
    const std::string name = "carve" + std::to_string(i);
    legacy.regions.push_back(RawRegion(name, carves[i]));
    if (carves[i].size() <= kLabelAreaSize) return Strategy::kLegacy;
    ramdax.regions.push_back(RamdaxRegionFor(name, carves[i]));
  }
  u64 legacy_online = 0, ramdax_online = 0;
  for (const CarvePlan& c : PlanLegacy(legacy, keep).carves) legacy_online += c.onlined;
  for (const CarvePlan& c : PlanRamdax(ramdax, keep).carves) ramdax_online += c.onlined;
  return ramdax_online >= legacy_online ? Strategy::kRamdax : Strategy::kLegacy;
}

namespace {

// Named slices on label-less carves: legacy when each slice is a carve
// region of its own (the memmap= carves its advice gives), else ramdax,
// which makes a namespace per slice inside a carve.
Resolution SlicesStrategy(const std::vector<RegionInfo>& regions, const std::vector<SliceSpec>& slices) {
  Geometry g;
  g.regions = regions;
  Plan legacy;
  std::string err;
  bool own = PlanLegacySlices(g, slices, &legacy, &err);
  for (const CarvePlan& c : legacy.carves) {
    for (const RegionPlan& r : c.regions) own = own && r.reason != Reason::kSliceSplit;
  }
  return own ? Resolution{Strategy::kLegacy, " (each named slice is a carve region of its own)"}
             : Resolution{Strategy::kRamdax, " (named slices inside a carve: a namespace each)"};
}

}  // namespace

bool ResolveAuto(SystemInterface& sys, NvdimmInterface& nvdimm, const Options& opts, Resolution* out,
                 std::string* err) {
  if (sys.Machine() == "x86_64" && LegacyCarveRanges(ReadIomem(sys)).empty() && HasSoftReserved(sys)) {
    *out = Resolution{Strategy::kHmem, " (soft-reserved memory)"};
    return true;
  }
  if (!RamdaxAvailable(sys)) {
    *out = Resolution{Strategy::kLegacy, " (this kernel has no ramdax)"};
    return true;
  }
  // Look before switching: what the carves hold decides, not only the
  // geometry.  The carves are the label-less drivers' regions (arm64
  // device-tree carves have no /proc/iomem entry).
  std::vector<RegionInfo> held;
  if (!ReadLabelLessCarves(sys, nvdimm, opts, &held, err)) return false;
  std::string holdings;
  bool labels = false;
  std::vector<Range> carves;
  for (const std::string& dev : PmemPlatformDevices(sys)) {
    const std::string h = DeviceHoldings(held, dev);
    holdings += h.empty() ? "" : (holdings.empty() ? "" : "; ") + h;
  }
  for (const RegionInfo& r : CarveRegions(held)) {
    labels = labels || r.labels_at_end;
    carves.push_back(r.range);
  }
  if (!holdings.empty()) {
    *out = Resolution{Strategy::kLegacy, " (" + holdings + ": nothing is moved to ramdax)"};
  } else if (labels) {
    *out = Resolution{Strategy::kRamdax, " (a carve ends in a namespace label area)"};
  } else if (!opts.slices.empty()) {
    *out = SlicesStrategy(held, opts.slices);
  } else {
    std::string ignored;
    const auto geometry = ProbeGeometry(sys, &ignored);
    const Strategy s = geometry ? ChooseStrategy(*geometry, carves, opts.keep, true) : Strategy::kLegacy;
    *out = Resolution{s, " (onlines at least as much on these carves)"};
  }
  return true;
}

namespace {

// The kept range reported against what the kernel onlined afterwards.
void ReportCarves(Arch arch, const Plan& plan, SystemInterface& sys, Outcome* outcome) {
  for (const CarvePlan& planned : plan.carves) {
    CarvePlan c = planned;
    c.onlined = OnlineKmemBytesIn(sys, c.range, plan.block_size);
    c.lost = c.range.size() - c.KeptBytes() - c.onlined;
    outcome->kmem_bytes.push_back(c.onlined);
    LogNotice(SummaryLine(arch, c));
    if (c.onlined != planned.onlined) {
      LogWarning("the kernel onlined " + HumanSize(c.onlined) + " in " + Describe(c.range) + ", planned " +
                 HumanSize(planned.onlined));
    }
    if (KmemBytesIn(sys, c.kept) != 0) LogError("kmem memory inside the kept range " + Describe(c.kept) + "!");
  }
}

void LogPlan(const Geometry& geometry, const Plan& plan, const Options& opts, const KmemMode& mode) {
  LogInfo(std::string("strategy ") + StrategyName(plan.strategy) + ", " + ArchName(geometry.arch) + ", memory block " +
          HumanSize(geometry.block_size) + ", dax align " + HumanSize(geometry.dax_align) + ", keep " +
          (opts.slices.empty() ? HumanSize(opts.keep) : FormatSlices(SlicesSpec{false, opts.slices})) + ", zone " + ZoneName(mode.zone) +
          (mode.memmap_on_memory ? ", memory map on the onlined blocks (memmap_on_memory)" : "") +
          (opts.dry_run ? ", dry run" : ""));
  if (opts.keep > 0 && !plan.carves.empty() && opts.keep > plan.carves.front().range.size()) {
    LogWarning("keep (" + HumanSize(opts.keep) + ") is larger than the first carve (" +
               HumanSize(plan.carves.front().range.size()) + "): all of it is kept");
  }
  if (!opts.dry_run) return;
  for (const CarvePlan& c : plan.carves) {
    for (const RegionPlan& r : c.regions) {
      LogInfo("plan: " + RegionPlanLine(r));
    }
    LogInfo("dry run: " + SummaryLine(geometry.arch, c));
  }
}

u64 MemTotal(SystemInterface& sys) {
  const auto text = sys.ReadFile("/proc/meminfo");
  return text ? ParseMemTotal(*text).value_or(0) : 0;
}

// Logs `err` as the reason nothing was done and keeps it in the outcome.
Outcome Untouched(Outcome outcome, const std::string& err) {
  LogError(err + "; every carve left untouched");
  outcome.error = err;
  return outcome;
}

Outcome ReclaimCarves(const Options& opts, SystemInterface& sys, NvdimmInterface& nvdimm) {
  Outcome outcome;
  // Errors first: a bad pmemreclaim.* key is reported even without pmemreclaim=.
  if (!opts.errors.empty()) {
    for (const std::string& e : opts.errors) LogError(e);
    LogError("bad options: every carve left untouched");
    outcome.error = "bad options";
    return outcome;
  }
  if (!opts.requested) {
    LogInfo("no pmemreclaim= option: nothing to do");
    return outcome;
  }
  if (opts.strategy == Strategy::kOff) {
    LogInfo("pmemreclaim=off: nothing to do");
    return outcome;
  }
  if (InCaptureKernel(opts, sys)) {
    LogNotice("a crash capture kernel (elfcorehdr= on the command line, or /proc/vmcore): the carves may hold the "
              "crashed kernel's memory while its dump is taken; nothing is changed");
    outcome.error = "capture kernel";
    return outcome;
  }
  std::string err;
  Strategy strategy = opts.strategy;
  if (strategy == Strategy::kAuto) {
    Resolution r;
    if (!ResolveAuto(sys, nvdimm, opts, &r, &err)) return Untouched(outcome, err);
    LogInfo(std::string("auto: ") + StrategyName(r.strategy) + r.why);
    strategy = r.strategy;
  }
  const auto impl = MakeStrategy(strategy);
  Geometry geometry;
  if (!impl->Prepare(sys, nvdimm, opts, &geometry, &err)) {
    return Untouched(outcome, err);
  }
  outcome.strategy = strategy;
  for (const RegionInfo& r : geometry.regions) {
    if (!r.carve) {
      outcome.skipped.push_back(
          SkippedRegion{r.name, r.range, r.provider, r.firmware_pmem ? Reason::kFirmwarePmem : Reason::kNotACarve});
    }
  }
  const std::string foreign = ForeignRegionsLine(geometry.regions);
  if (!foreign.empty()) LogNotice(foreign);
  if (CarveRegions(geometry.regions).empty()) {
    LogNotice(std::string("no carve (") + impl->CarveHint() + ") for strategy " + StrategyName(strategy) +
              " found: nothing to do");
    return outcome;
  }
  Plan plan;
  if (opts.slices.empty()) {
    plan = impl->MakePlan(geometry, opts.keep);
  } else if (!impl->MakeSlicePlan(geometry, opts.slices, &plan, &err)) {
    return Untouched(outcome, "pmemreclaim.keep=" + FormatSlices(SlicesSpec{false, opts.slices}) + ": " + err);
  }
  plan.arch = geometry.arch;
  outcome.plan = plan;
  const KmemMode mode{opts.zone, WantMemmapOnMemory(opts.memmap_on_memory, sys.ReadFile(kMemmapOnMemoryParamPath))};
  LogPlan(geometry, plan, opts, mode);
  if (opts.dry_run) return outcome;

  const u64 memtotal_before = MemTotal(sys);
  outcome.touched = true;
  outcome.regions = impl->Apply(plan, mode, sys, nvdimm);
  const u64 memtotal_after = MemTotal(sys);
  for (const RegionOutcome& o : outcome.regions) Log(o.ok ? LogLevel::kInfo : LogLevel::kError, o.message);

  // Report what the kernel says, not what we meant to do.
  ReportCarves(geometry.arch, plan, sys, &outcome);
  for (const CarvePlan& c : plan.carves) {
    const std::optional<bool> preserved = Preserved(strategy, c);
    if (c.kept.empty() || !preserved) continue;
    LogNotice("kept range " + Describe(c.kept) +
              (*preserved ? ": pmemreclaim's layout of an earlier boot found, the kept bytes are that boot's"
                          : ": no layout of pmemreclaim's from an earlier boot (a first boot, or one after RAM was "
                            "lost): it can't tell whether the kept bytes are an earlier boot's; the layout is made now"));
  }
  if (memtotal_before != 0 && memtotal_after != 0) {
    LogNotice("MemTotal " + std::to_string(memtotal_before >> 10) + " kB before, " +
              std::to_string(memtotal_after >> 10) + " kB after");
  }
  return outcome;
}

}  // namespace

bool InCaptureKernel(const Options& opts, SystemInterface& sys) {
  return opts.capture_kernel || sys.Exists("/proc/vmcore");
}

Outcome Reclaim(const Options& opts, SystemInterface& sys, NvdimmInterface& nvdimm) {
  const int scans = nvdimm.scans();  // nothing is forced raw by a job that never looked
  const Outcome outcome = ReclaimCarves(opts, sys, nvdimm);
  const bool looked = nvdimm.scans() > scans;
  // What the boot job's look or apply's probe left forced raw (a kept
  // region, a carve not claimed, an error on the way) goes back to the
  // kernel's probe.
  if (InCaptureKernel(opts, sys)) return outcome;
  if (BootLookMayRun(opts)) FinishBootLook(sys, nvdimm);
  if (looked && ReprobeMayRun(opts)) GiveBackForcedCarves(sys, nvdimm);
  return outcome;
}

}  // namespace pmemreclaim
