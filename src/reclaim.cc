#include "reclaim.h"

#include "iomem.h"
#include "log.h"
#include "probe.h"

namespace pmemreclaim {

std::vector<std::string> ModulesFor(Strategy strategy, const std::string& machine) {
  std::vector<std::string> mods;
  if (strategy == Strategy::kLegacy || strategy == Strategy::kAuto) {
    mods.push_back(machine == "aarch64" ? "of_pmem" : "nd_e820");
    mods.insert(mods.end(), {"nd_pmem", "dax_pmem", "device_dax", "kmem"});
  }
  return mods;
}

u64 KmemBytesIn(SystemInterface& sys, const Range& r) {
  const auto text = sys.ReadFile("/proc/iomem");
  if (!text) return 0;
  u64 sum = 0;
  for (const Range& k : FindIomem(ParseIomem(*text), "System RAM (kmem)")) sum += k.Intersect(r).size();
  return sum;
}

std::vector<RegionOutcome> Apply(const Plan& plan, Zone zone, SystemInterface& sys, NvdimmInterface& nvdimm) {
  std::vector<RegionOutcome> out;
  // kmem onlines by itself when the kernel's policy says so (Debian 7.x:
  // "online"), in a zone of the kernel's choosing; hold it at "offline"
  // while we bind, and put back what was there.
  std::string err;
  const auto policy = sys.ReadFile(kAutoOnlinePath);
  std::string saved;
  if (policy) {
    saved = *policy;
    while (!saved.empty() && saved.back() == '\n') saved.pop_back();
  }
  bool policy_changed = false;

  for (const CarvePlan& carve : plan.carves) {
    for (const RegionPlan& r : carve.regions) {
      RegionOutcome o;
      o.region = r.region.name;
      o.action = r.action;
      if (r.action == RegionAction::kKeep) {
        o.message = r.region.name + " " + Describe(r.region.range) + ": kept, untouched";
      } else if (r.action == RegionAction::kLeave) {
        o.message = r.region.name + " " + Describe(r.region.range) + ": left untouched: " + r.why;
      } else {
        if (r.action == RegionAction::kCreateDevdax) {
          Range data;
          if (!nvdimm.CreateDevdax(r.region.name, r.dax_align, &data, &err)) {
            o.ok = false;
            o.message = r.region.name + ": could not create devdax (" + err + "); region left as it was";
            out.push_back(o);
            continue;
          }
          if (data != r.data) {
            LogWarning(r.region.name + ": devdax data at " + Describe(data) + ", planned " + Describe(r.data));
          }
        }
        if (!policy_changed && !saved.empty() && saved != "offline") {
          if (sys.WriteFile(kAutoOnlinePath, "offline", &err)) {
            policy_changed = true;
          } else {
            LogWarning("could not hold auto_online_blocks at offline: " + err);
          }
        }
        int blocks = 0;
        if (!nvdimm.OnlineDevdax(r.region.name, zone, &blocks, &err)) {
          o.ok = false;
          o.message = r.region.name + ": devdax ready but onlining failed (" + err + ")";
        } else {
          o.blocks_onlined = blocks;
          o.message = r.region.name + " " + Describe(r.region.range) + ": " +
                      (r.action == RegionAction::kReuseDevdax ? "reused devdax" : "created devdax") +
                      ", onlined " + std::to_string(blocks) + " blocks (" + ZoneName(zone) + ")";
        }
      }
      out.push_back(o);
    }
  }
  if (policy_changed && !sys.WriteFile(kAutoOnlinePath, saved, &err)) {
    LogWarning("could not restore auto_online_blocks to " + saved + ": " + err);
  }
  return out;
}

Outcome Reclaim(const Options& opts, SystemInterface& sys, const NvdimmOpener& open_nvdimm) {
  Outcome outcome;
  if (!opts.requested) {
    LogInfo("no pmemreclaim= option: nothing to do");
    return outcome;
  }
  if (!opts.errors.empty()) {
    for (const std::string& e : opts.errors) LogError(e);
    LogError("bad options: every carve left untouched");
    return outcome;
  }
  Strategy strategy = opts.strategy;
  switch (strategy) {
    case Strategy::kOff:
      LogInfo("pmemreclaim=off: nothing to do");
      return outcome;
    case Strategy::kRamdax:
    case Strategy::kHmem:
      LogError(std::string("strategy ") + StrategyName(strategy) +
               " is not available in this version; every carve left untouched");
      return outcome;
    case Strategy::kAuto:
      LogInfo("auto: ramdax and hmem are not available in this version; using legacy");
      strategy = Strategy::kLegacy;
      break;
    case Strategy::kLegacy:
      break;
  }

  const std::string machine = sys.Machine();
  std::string err;
  for (const std::string& mod : ModulesFor(strategy, machine)) {
    if (!sys.LoadModule(mod, &err)) {
      LogError("cannot load kernel module " + mod + ": " + err + "; every carve left untouched");
      return outcome;
    }
  }
  auto nvdimm = open_nvdimm(&err);
  if (!nvdimm) {
    LogError(err + "; every carve left untouched");
    return outcome;
  }
  auto machine_facts = ProbeMachine(sys, *nvdimm, &err);
  if (!machine_facts) {
    LogError(err + "; every carve left untouched");
    return outcome;
  }
  if (machine_facts->regions.empty()) {
    LogNotice("no label-less pmem region (memmap=nn!ss or pmem-region carve) found: nothing to do");
    return outcome;
  }
  const Plan plan = PlanLegacy(*machine_facts, opts.keep);
  outcome.plan = plan;
  LogInfo(std::string("strategy legacy, ") + ArchName(machine_facts->arch) + ", memory block " +
          HumanSize(machine_facts->block_size) + ", dax align " + HumanSize(machine_facts->dax_align) + ", keep " +
          HumanSize(opts.keep) + ", zone " + ZoneName(opts.zone) + (opts.dry_run ? ", dry run" : ""));
  if (opts.keep > 0 && !plan.carves.empty() && opts.keep > plan.carves.front().range.size()) {
    LogWarning("keep (" + HumanSize(opts.keep) + ") is larger than the first carve (" +
               HumanSize(plan.carves.front().range.size()) + "): all of it is kept");
  }
  if (opts.dry_run) {
    for (const CarvePlan& c : plan.carves) {
      for (const RegionPlan& r : c.regions) {
        LogInfo("plan: " + r.region.name + " " + Describe(r.region.range) + ": " + RegionActionName(r.action) +
                (r.online.empty() ? "" : ", online " + Describe(r.online)) + (r.why.empty() ? "" : " (" + r.why + ")"));
      }
      LogInfo("dry run: " + SummaryLine(machine_facts->arch, c));
    }
    return outcome;
  }

  auto memtotal = [&sys]() -> u64 {
    const auto text = sys.ReadFile("/proc/meminfo");
    return text ? ParseMemTotal(*text).value_or(0) : 0;
  };
  const u64 memtotal_before = memtotal();
  outcome.touched = true;
  outcome.regions = Apply(plan, opts.zone, sys, *nvdimm);
  const u64 memtotal_after = memtotal();
  for (const RegionOutcome& o : outcome.regions) Log(o.ok ? LogLevel::kInfo : LogLevel::kError, o.message);

  // Report what the kernel says, not what we meant to do.
  for (const CarvePlan& planned : plan.carves) {
    CarvePlan c = planned;
    c.onlined = KmemBytesIn(sys, c.range);
    c.lost = c.range.size() - c.kept.size() - c.onlined;
    outcome.kmem_bytes.push_back(c.onlined);
    LogNotice(SummaryLine(machine_facts->arch, c));
    if (c.onlined != planned.onlined) {
      LogWarning("the kernel onlined " + HumanSize(c.onlined) + " in " + Describe(c.range) + ", planned " +
                 HumanSize(planned.onlined));
    }
  }
  if (memtotal_before != 0 && memtotal_after != 0) {
    LogNotice("MemTotal " + std::to_string(memtotal_before >> 10) + " kB before, " +
              std::to_string(memtotal_after >> 10) + " kB after");
  }
  return outcome;
}

}  // namespace pmemreclaim
