#include "reclaim.h"

#include "iomem.h"
#include "nextboot.h"
#include "log.h"
#include "mark.h"
#include "platform.h"
#include "probe.h"
#include "timing.h"

namespace pmemreclaim {

std::vector<std::string> ModulesFor(Strategy strategy, const std::string& machine) {
  std::vector<std::string> mods;
  if (strategy == Strategy::kLegacy || strategy == Strategy::kAuto) {
    mods.push_back(machine == "aarch64" ? "of_pmem" : "nd_e820");
  } else if (strategy == Strategy::kRamdax) {
    mods.push_back("ramdax");
  } else {
    return mods;
  }
  mods.insert(mods.end(), {"nd_pmem", "dax_pmem", "device_dax", "kmem"});
  return mods;
}

Strategy ChooseStrategy(const Machine& geometry, const std::vector<Range>& carves, u64 keep, bool have_ramdax) {
  if (!have_ramdax || carves.empty()) return Strategy::kLegacy;
  Machine legacy = geometry;
  Machine ramdax = geometry;
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

bool RamdaxAvailable(SystemInterface& sys) {
  std::string err;
  return sys.LoadModule("ramdax", &err);
}

u64 KmemBytesIn(SystemInterface& sys, const Range& r) {
  const auto text = sys.ReadFile("/proc/iomem");
  if (!text) return 0;
  u64 sum = 0;
  for (const Range& k : FindIomem(ParseIomem(*text), "System RAM (kmem)")) sum += k.Intersect(r).size();
  return sum;
}

namespace {

std::optional<std::string> ReadState(SystemInterface& sys, u64 index) {
  auto state = sys.ReadFile(MemoryBlockStatePath(index));
  if (state) state = state->substr(0, state->find('\n'));
  return state;
}

}  // namespace

u64 OnlineKmemBytesIn(SystemInterface& sys, const Range& r, u64 block_size) {
  const auto text = sys.ReadFile("/proc/iomem");
  if (!text || !IsPowerOfTwo(block_size)) return 0;
  u64 sum = 0;
  for (const Range& k : FindIomem(ParseIomem(*text), "System RAM (kmem)")) {
    const Range blocks = AlignInward(k.Intersect(r), block_size);
    for (u64 at = blocks.start; at < blocks.end; at += block_size) {
      if (ReadState(sys, at / block_size) == "online") sum += block_size;
    }
  }
  return sum;
}

namespace {

// An onlining write, charged to the onlining phase of the timing line.
bool TimedWrite(SystemInterface& sys, const std::string& path, const std::string& value, std::string* err) {
  PhaseTimer timer(PhaseId::kOnline);
  return sys.WriteFile(path, value, err);
}

}  // namespace

std::vector<BlockState> OnlineBlocks(SystemInterface& sys, const Range& online, u64 block_size, Zone zone) {
  std::vector<BlockState> out;
  if (!IsPowerOfTwo(block_size)) return out;
  const Range blocks = AlignInward(online, block_size);
  const std::string want = zone == Zone::kMovable ? "online_movable" : "online";  // as libdaxctl writes
  for (u64 at = blocks.start; at < blocks.end; at += block_size) {
    BlockState b;
    b.index = at / block_size;
    const std::string path = MemoryBlockStatePath(b.index);
    auto state = ReadState(sys, b.index);
    b.added = state.has_value();
    std::string err;
    if (!b.added) {
      b.error = "kmem did not add it";
    } else if (*state != "online" && !TimedWrite(sys, path, want, &err)) {
      if (err.rfind(path + ": ", 0) == 0) err.erase(0, path.size() + 2);
      b.error = want + ": " + err;
    } else if ((state = ReadState(sys, b.index)) != "online") {
      b.error = "still " + state.value_or("unreadable") + " after " + want;
    }
    b.online = b.error.empty();
    out.push_back(b);
  }
  return out;
}

namespace {

// kmem onlines by itself when the kernel's policy says so (Debian 7.x:
// "online"), in a zone of the kernel's choosing: Hold() keeps the policy at
// "offline" while devices go to kmem, Restore() puts back what was there.
class AutoOnlineHold {
 public:
  explicit AutoOnlineHold(SystemInterface& sys) : sys_(sys) {
    if (const auto policy = sys_.ReadFile(kAutoOnlinePath)) saved_ = *policy;
    while (!saved_.empty() && saved_.back() == '\n') saved_.pop_back();
  }
  void Hold() {
    if (held_ || saved_.empty() || saved_ == "offline") return;
    std::string err;
    if (sys_.WriteFile(kAutoOnlinePath, "offline", &err)) {
      held_ = true;
    } else {
      LogWarning("could not hold auto_online_blocks at offline: " + err);
    }
  }
  void Restore() {
    std::string err;
    if (held_ && !sys_.WriteFile(kAutoOnlinePath, saved_, &err)) {
      LogWarning("could not restore auto_online_blocks to " + saved_ + ": " + err);
    }
    held_ = false;
  }

 private:
  SystemInterface& sys_;
  std::string saved_;
  bool held_ = false;
};

// What the kernel says of the blocks of `r` after libdaxctl onlined them
// (`daxctl_err` empty) or gave up: offline ones are onlined one by one,
// and the result is one line in o->message.  `what`: "created devdax",
// "reused devdax", "dax0.1".
void FinishOnlining(const RegionPlan& r, const std::string& what, const Range& kept, u64 block_size, Zone zone,
                    const std::string& daxctl_err, SystemInterface& sys, RegionOutcome* o) {
  const std::vector<BlockState> blocks = OnlineBlocks(sys, r.online, block_size, zone);
  size_t added = 0, online = 0;
  for (const BlockState& b : blocks) {
    added += b.added ? 1 : 0;
    online += b.online ? 1 : 0;
  }
  const std::string head = r.region.name + " " + Describe(r.region.range) + ": " + what;
  o->blocks_onlined = static_cast<int>(online);
  o->ok = online == blocks.size();
  if (!daxctl_err.empty() && added == 0) {
    o->ok = false;
    o->message = head + ", but onlining failed (" + daxctl_err + ")";
  } else if (o->ok) {
    o->message = head + ", onlined " + std::to_string(online) + " blocks (" + ZoneName(zone) + ")" +
                 (daxctl_err.empty() ? "" : "; libdaxctl said: " + daxctl_err);
  } else {
    o->message = head + ", " + BlocksLine(blocks, block_size) +
                 (kept.empty() ? "" : "; kept range " + Describe(kept) + " not touched");
  }
}

// ramdax: initialise the label area if it holds no index, and make the
// namespace over the kept range if it is not there yet.
bool PrepareLabelledRegion(const RegionPlan& r, NvdimmInterface& nvdimm, std::string* err) {
  if (r.init_labels && !nvdimm.InitLabels(r.region.name, err)) {
    *err = "could not initialise the label area (" + *err + "); nothing else written";
    return false;
  }
  if (r.keep_namespace.empty()) return true;
  for (const NamespaceInfo& n : r.region.namespaces) {
    if (n.alt_name == kKeepNamespaceName) return true;  // from an earlier boot
  }
  std::string devname;
  Range placed;
  if (!nvdimm.CreateNamespace(r.region.name, kKeepNamespaceName, MarkUuid(MarkRole::kKeepNamespace, r.keep_namespace),
                              r.keep_namespace.size(), r.dax_align, /*enable=*/true, &devname, &placed, err)) {
    *err = "could not create the kept namespace (" + *err + "); kept bytes untouched";
    return false;
  }
  if (placed != r.keep_namespace) {
    std::string undo;
    nvdimm.DeleteNamespace(r.region.name, devname, &undo);
    *err = "the kernel placed the kept namespace at " + Describe(placed) + ", not " + Describe(r.keep_namespace) +
           "; given back, nothing else written";
    return false;
  }
  LogInfo(r.region.name + ": kept range " + Describe(r.keep_namespace) + " is " + devname);
  return true;
}

}  // namespace

std::vector<RegionOutcome> Apply(const Plan& plan, Zone zone, SystemInterface& sys, NvdimmInterface& nvdimm) {
  std::vector<RegionOutcome> out;
  std::string err;
  AutoOnlineHold policy(sys);

  for (const CarvePlan& carve : plan.carves) {
    for (const RegionPlan& r : carve.regions) {
      RegionOutcome o;
      o.region = r.region.name;
      o.action = r.action;
      if (r.action == RegionAction::kKeep) {
        o.message = r.region.name + " " + Describe(r.region.range) + ": kept, untouched";
      } else if (r.action == RegionAction::kLeave) {
        o.message = r.region.name + " " + Describe(r.region.range) + ": left untouched: " + r.why;
      }
      if (r.action == RegionAction::kLeave) {
        out.push_back(o);
        continue;
      }
      if (r.region.labelled && r.action != RegionAction::kReuseDevdax) {
        // ramdax: labels, then the kept namespace; the devdax one below.
        std::string step_err;
        if (!PrepareLabelledRegion(r, nvdimm, &step_err)) {
          o.ok = false;
          o.message = r.region.name + ": " + step_err;
          out.push_back(o);
          continue;
        }
        if (r.action == RegionAction::kKeep) {
          o.message = r.region.name + " " + Describe(r.region.range) + ": kept range is namespace " +
                      Describe(r.keep_namespace) + ", untouched";
          out.push_back(o);
          continue;
        }
      }
      if (r.action == RegionAction::kCreateDevdax || r.action == RegionAction::kReuseDevdax) {
        std::string ns;
        if (r.region.labelled) {
          for (const NamespaceInfo& n : r.region.namespaces) {
            if (n.alt_name == kDaxNamespaceName) ns = n.devname;
          }
        }
        // (A devdax namespace of ours without its info block, from a run
        // stopped midway, is claimed as it is.)
        if (r.action == RegionAction::kCreateDevdax && r.region.labelled && ns.empty()) {
          Range placed;
          if (!nvdimm.CreateNamespace(r.region.name, kDaxNamespaceName,
                                      MarkUuid(MarkRole::kDaxNamespace, r.dax_namespace), r.dax_namespace.size(),
                                      r.dax_align, /*enable=*/false, &ns, &placed, &err)) {
            o.ok = false;
            o.message = r.region.name + ": could not create the devdax namespace (" + err + ")";
            out.push_back(o);
            continue;
          }
          if (placed != r.dax_namespace) {
            std::string undo;
            nvdimm.DeleteNamespace(r.region.name, ns, &undo);
            o.ok = false;
            o.message = r.region.name + ": the kernel placed the devdax namespace at " + Describe(placed) +
                        ", not " + Describe(r.dax_namespace) + "; given back, nothing else written";
            out.push_back(o);
            continue;
          }
        }
        if (r.action == RegionAction::kCreateDevdax) {
          Range data;
          const Range claimed = r.region.labelled ? r.dax_namespace : r.region.range;
          if (!nvdimm.CreateDevdax(r.region.name, ns, r.device_align, MarkUuid(MarkRole::kDevdax, claimed), &data,
                                   &err)) {
            o.ok = false;
            o.message = r.region.name + ": could not create devdax (" + err + "); region left as it was";
            out.push_back(o);
            continue;
          }
          if (data != r.data) {
            LogWarning(r.region.name + ": devdax data at " + Describe(data) + ", planned " + Describe(r.data));
          }
        }
        policy.Hold();
        int blocks = 0;
        if (nvdimm.OnlineDevdax(r.region.name, ns, zone, &blocks, &err)) err.clear();
        FinishOnlining(r, r.action == RegionAction::kReuseDevdax ? "reused devdax" : "created devdax", carve.kept,
                       plan.block_size, zone, err, sys, &o);
      }
      out.push_back(o);
    }
  }
  policy.Restore();
  return out;
}

namespace {

// The kept range reported against what the kernel onlined afterwards.
void ReportCarves(Arch arch, const Plan& plan, SystemInterface& sys, Outcome* outcome) {
  for (const CarvePlan& planned : plan.carves) {
    CarvePlan c = planned;
    c.onlined = OnlineKmemBytesIn(sys, c.range, plan.block_size);
    c.lost = c.range.size() - c.kept.size() - c.onlined;
    outcome->kmem_bytes.push_back(c.onlined);
    LogNotice(SummaryLine(arch, c));
    if (c.onlined != planned.onlined) {
      LogWarning("the kernel onlined " + HumanSize(c.onlined) + " in " + Describe(c.range) + ", planned " +
                 HumanSize(planned.onlined));
    }
    if (KmemBytesIn(sys, c.kept) != 0) LogError("kmem memory inside the kept range " + Describe(c.kept) + "!");
  }
}

// The carves as the label-less drivers see them (nd_e820/of_pmem, with
// nd_pmem and dax_pmem probing what each holds), into *regions; false
// (logged, nothing changed) when the modules can't be loaded.
bool LookAtCarves(SystemInterface& sys, const NvdimmOpener& open_nvdimm, const std::string& machine,
                  std::vector<RegionInfo>* regions) {
  std::string err;
  for (const std::string& mod : ModulesFor(Strategy::kLegacy, machine)) {
    if (!sys.LoadModule(mod, &err)) {
      LogError("cannot load kernel module " + mod + " to look at the carves: " + err + "; every carve left untouched");
      return false;
    }
  }
  auto nvdimm = open_nvdimm(&err);
  if (!nvdimm) {
    LogError(err + "; every carve left untouched");
    return false;
  }
  *regions = nvdimm->LegacyRegions();
  MarkCarves(sys, regions);
  const std::string foreign = ForeignRegionsLine(*regions);
  if (!foreign.empty()) LogNotice(foreign);
  return true;
}

// Soft-reserved carves (dax_hmem, x86): no info block, no labels.
// dax_hmem is loaded with region_idle=1: its regions come up with no dax
// device and are not handed to kmem by default (Linux >= 6.3 would), so
// that nothing can online the kept range - not kmem loaded later by udev,
// nor a run stopped midway.  The kept device is made first and bound to
// device_dax, the rest goes to kmem (loaded only then); the auto-online
// policy is held at offline meanwhile.
Outcome ReclaimHmem(const Options& opts, SystemInterface& sys, const NvdimmOpener& open_nvdimm) {
  Outcome outcome;
  std::string err;
  if (sys.Machine() != "x86_64") {
    LogError("strategy hmem is for x86 soft-reserved memory; every carve left untouched");
    return outcome;
  }
  const auto idle = sys.ReadFile("/sys/module/dax_hmem/parameters/region_idle");
  if (sys.Exists("/sys/module/dax_hmem") && !(idle && idle->rfind("Y", 0) == 0)) {
    LogWarning("dax_hmem was loaded before pmemreclaim (without region_idle): its regions may already have a "
               "device over the whole carve" +
               std::string(sys.Exists("/sys/module/kmem") ? ", which kmem may have onlined" : ""));
  }
  for (const std::string& mod : {std::string("dax_hmem region_idle=1"), std::string("device_dax")}) {
    if (!sys.LoadModule(mod, &err)) {
      LogError("cannot load kernel module " + mod + ": " + err + "; every carve left untouched");
      return outcome;
    }
  }
  auto nvdimm = open_nvdimm(&err);
  auto machine = nvdimm ? ProbeGeometry(sys, &err) : std::nullopt;
  if (!machine) {
    LogError(err + "; every carve left untouched");
    return outcome;
  }
  machine->regions = nvdimm->HmemRegions();
  if (machine->regions.empty()) {
    LogNotice("no soft-reserved dax region (memmap=SIZE%START-1+0xefffffff or EFI_MEMORY_SP) found: nothing to do");
    return outcome;
  }
  const Plan plan = PlanHmem(*machine, opts.keep);
  outcome.plan = plan;
  LogInfo(std::string("strategy hmem, memory block ") + HumanSize(machine->block_size) + ", keep " +
          HumanSize(opts.keep) + ", zone " + ZoneName(opts.zone) + (opts.dry_run ? ", dry run" : ""));
  if (const auto iomem = sys.ReadFile("/proc/iomem")) {
    for (const Range& code : FindIomem(ParseIomem(*iomem), "Kernel code")) {
      for (const RegionInfo& r : machine->regions) {
        if (code.Overlaps(r.range)) {
          LogWarning("the kernel's code " + Describe(code) + " lies in the soft-reserved carve " + Describe(r.range) +
                     " (physical KASLR does not know memmap=%): boot with nokaslr");
        }
      }
    }
  }
  if (opts.dry_run) {
    for (const CarvePlan& c : plan.carves) LogInfo("dry run: " + SummaryLine(machine->arch, c));
    return outcome;
  }
  outcome.touched = true;
  AutoOnlineHold policy(sys);
  policy.Hold();
  struct Rest {
    const RegionPlan* region;
    Range kept;
    std::string dev;  // the device for kmem
    size_t outcome;   // its index in outcome.regions
  };
  std::vector<Rest> rests;
  for (const CarvePlan& c : plan.carves) {
    for (const RegionPlan& r : c.regions) {
      RegionOutcome o;
      o.region = r.region.name;
      o.action = r.action;
      std::string rest;
      const std::string head = r.region.name + " " + Describe(r.region.range) + ": ";
      if (r.action == RegionAction::kLeave) {
        o.message = head + "left untouched: " + r.why;
      } else if (!nvdimm->ShapeHmem(r.region.name, r.keep_namespace, r.dax_namespace, &rest, &err)) {
        o.ok = false;
        o.message = head + "could not split (" + err + "); nothing onlined";
      } else if (r.action == RegionAction::kKeep) {
        o.message = head + "kept device " + Describe(r.keep_namespace) + " (device_dax), nothing to online: " + r.why;
      } else {
        rests.push_back(Rest{&r, c.kept, rest, outcome.regions.size()});
        o.message = head + (r.keep_namespace.empty() ? "" : "kept device " + Describe(r.keep_namespace) + ", ") +
                    "the rest is " + rest + (r.action == RegionAction::kReuseDevdax ? " (split earlier)" : "");
      }
      Log(o.ok ? LogLevel::kInfo : LogLevel::kError, o.message);
      outcome.regions.push_back(o);
    }
  }
  if (!rests.empty() && !sys.LoadModule("kmem", &err)) {
    LogError("cannot load kernel module kmem: " + err + "; split but nothing onlined");
    for (const Rest& rest : rests) outcome.regions[rest.outcome].ok = false;
    rests.clear();
  }
  for (const Rest& rest : rests) {
    int blocks = 0;
    if (nvdimm->OnlineDaxDevice(rest.dev, opts.zone, &blocks, &err)) err.clear();
    RegionOutcome& o = outcome.regions[rest.outcome];
    FinishOnlining(*rest.region, rest.dev, rest.kept, plan.block_size, opts.zone, err, sys, &o);
    Log(o.ok ? LogLevel::kInfo : LogLevel::kError, o.message);
  }
  policy.Restore();
  ReportCarves(machine->arch, plan, sys, &outcome);
  return outcome;
}

// Before a carve's platform device is moved from nd_e820/of_pmem to ramdax:
// what the label-less view says it holds, per platform device ("" when
// every region of it is raw with no label index, i.e. nothing to lose).
// Needs the label-less modules loaded (nd_pmem and dax_pmem probe what is
// there).
std::string DeviceHoldings(const std::vector<RegionInfo>& regions, const std::string& device) {
  std::string out;
  for (const RegionInfo& r : regions) {
    if (!r.carve || r.bus_device != std::string(kPlatformDevicesRoot) + device) continue;
    std::string what;
    if (r.state == RegionState::kDevdax) {
      what = HasMark(r.dax_uuid, MarkRole::kDevdax, r.range) ? "a devdax of pmemreclaim's legacy layout"
                                                             : "a devdax pmemreclaim did not make";
    } else if (r.state == RegionState::kOther) {
      what = "an fsdax, btt or other info block";
    }
    if (!what.empty()) out += (out.empty() ? "" : ", ") + r.name + " " + Describe(r.range) + " holds " + what;
  }
  return out;
}

}  // namespace

Outcome Reclaim(const Options& opts, SystemInterface& sys, const NvdimmOpener& open_nvdimm) {
  Outcome outcome;
  // Errors first: a bad pmemreclaim.* key is reported even without pmemreclaim=.
  if (!opts.errors.empty()) {
    for (const std::string& e : opts.errors) LogError(e);
    LogError("bad options: every carve left untouched");
    return outcome;
  }
  if (!opts.requested) {
    LogInfo("no pmemreclaim= option: nothing to do");
    return outcome;
  }
  Strategy strategy = opts.strategy;
  const std::string machine = sys.Machine();
  std::string err;
  // The carves as the label-less drivers see them: looked at before any
  // carve is moved to ramdax (and by auto when ramdax is in question).
  std::vector<RegionInfo> held;
  bool looked = false;
  switch (strategy) {
    case Strategy::kOff:
      LogInfo("pmemreclaim=off: nothing to do");
      return outcome;
    case Strategy::kHmem:
      return ReclaimHmem(opts, sys, open_nvdimm);
    case Strategy::kRamdax:
      if (!RamdaxAvailable(sys)) {
        LogError("this kernel has no ramdax driver (Linux >= 6.19, CONFIG_RAMDAX): pmemreclaim=ramdax can't be "
                 "done; every carve left untouched");
        return outcome;
      }
      break;
    case Strategy::kAuto: {
      const bool have_ramdax = RamdaxAvailable(sys);
      const auto geometry = ProbeGeometry(sys, &err);
      const std::vector<Range> carves = ReadLegacyCarves(sys);
      strategy = geometry ? ChooseStrategy(*geometry, carves, opts.keep, have_ramdax) : Strategy::kLegacy;
      std::string why = have_ramdax ? " (onlines at least as much on these carves)" : " (this kernel has no ramdax)";
      if (carves.empty() && machine == "x86_64" &&
          (sys.Exists("/sys/bus/platform/devices/hmem.0") || sys.Exists("/sys/bus/platform/devices/hmem_platform.0"))) {
        LogInfo("auto: hmem (soft-reserved memory)");
        return ReclaimHmem(opts, sys, open_nvdimm);
      }
      if (have_ramdax) {
        // Look before switching: what the carves hold decides, not only the geometry.
        if (!LookAtCarves(sys, open_nvdimm, machine, &held)) return outcome;
        looked = true;
        // The carves as the kernel's regions give them (arm64 device-tree
        // carves have no /proc/iomem entry to read them from).
        std::vector<Range> regions;
        for (const RegionInfo& r : CarveRegions(held)) regions.push_back(r.range);
        if (carves.empty() && geometry && !regions.empty()) {
          strategy = ChooseStrategy(*geometry, regions, opts.keep, have_ramdax);
        }
        std::string holdings;
        bool labels = false;
        for (const std::string& dev : PmemPlatformDevices(sys)) {
          const std::string h = DeviceHoldings(held, dev);
          holdings += h.empty() ? "" : (holdings.empty() ? "" : "; ") + h;
        }
        for (const RegionInfo& r : held) labels = labels || (r.carve && r.labels_at_end);
        if (!holdings.empty()) {
          strategy = Strategy::kLegacy;
          why = " (" + holdings + ": nothing is moved to ramdax)";
        } else if (labels) {
          strategy = Strategy::kRamdax;
          why = " (a carve ends in a namespace label area)";
        }
      }
      LogInfo(std::string("auto: ") + StrategyName(strategy) + why);
      break;
    }
    case Strategy::kLegacy:
      break;
  }

  for (const std::string& mod : ModulesFor(strategy, machine)) {
    if (!sys.LoadModule(mod, &err)) {
      LogError("cannot load kernel module " + mod + ": " + err + "; every carve left untouched");
      return outcome;
    }
  }
  if (strategy == Strategy::kRamdax) {
    // Look before switching: a carve that holds an info block stays where it is.
    if (!looked && !LookAtCarves(sys, open_nvdimm, machine, &held)) return outcome;
    // Binding ramdax takes the carves from nd_e820/of_pmem: check first, on
    // the carves' geometry, that the kept range leaves the label areas alone.
    Machine geometry;
    for (const RegionInfo& r : CarveRegions(held)) {
      if (r.range.size() > kLabelAreaSize) geometry.regions.push_back(RamdaxRegionFor(r.name, r.range));
    }
    for (const CarvePlan& c : PlanRamdax(geometry, opts.keep).carves) {
      const Range labels{c.range.end - kLabelAreaSize, c.range.end};
      if (c.kept.Overlaps(labels)) {
        LogError("the kept range reaches into the label area of carve " + Describe(c.range) +
                 " (its last 128 KiB): ramdax can't be used; every carve left untouched");
        return outcome;
      }
    }
    for (const std::string& dev : PmemPlatformDevices(sys)) {
      const std::string holdings = DeviceHoldings(held, dev);
      if (!holdings.empty()) {
        LogWarning(dev + ": " + holdings + "; not moved to ramdax, left as it is");
        continue;
      }
      if (opts.dry_run) continue;
      const std::string was = BoundDriver(sys, dev);
      if (!BindRamdax(sys, dev, &err)) {
        LogError("cannot bind ramdax to " + dev + ": " + err + "; every carve left untouched");
        return outcome;
      }
      if (was != "ramdax") LogInfo(dev + ": bound to ramdax" + (was.empty() ? "" : " (was " + was + ")"));
    }
  }
  auto nvdimm = open_nvdimm(&err);
  if (!nvdimm) {
    LogError(err + "; every carve left untouched");
    return outcome;
  }
  auto machine_facts = ProbeMachine(sys, *nvdimm, strategy, &err);
  if (!machine_facts) {
    LogError(err + "; every carve left untouched");
    return outcome;
  }
  if (strategy == Strategy::kRamdax && opts.dry_run) {
    // Not bound in a dry run: the carves still on nd_e820/of_pmem as ramdax
    // would see them, those that would not be moved left out.
    for (const RegionInfo& r : CarveRegions(held)) {
      const std::string dev = r.bus_device.substr(r.bus_device.rfind('/') + 1);
      if (r.range.size() <= kLabelAreaSize || !DeviceHoldings(held, dev).empty()) continue;
      RegionInfo ramdax = RamdaxRegionFor(r.name, r.range);
      ramdax.bus_device = r.bus_device;
      ramdax.target_node = r.target_node;
      machine_facts->regions.push_back(ramdax);
    }
  }
  const std::string foreign = ForeignRegionsLine(machine_facts->regions);
  if (!foreign.empty()) LogNotice(foreign);
  if (CarveRegions(machine_facts->regions).empty()) {
    LogNotice("no pmem carve (memmap=nn!ss or pmem-region) found: nothing to do");
    return outcome;
  }
  const Plan plan = strategy == Strategy::kRamdax ? PlanRamdax(*machine_facts, opts.keep)
                                                  : PlanLegacy(*machine_facts, opts.keep);
  outcome.plan = plan;
  LogInfo(std::string("strategy ") + StrategyName(strategy) + ", " + ArchName(machine_facts->arch) + ", memory block " +
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
  ReportCarves(machine_facts->arch, plan, sys, &outcome);
  if (memtotal_before != 0 && memtotal_after != 0) {
    LogNotice("MemTotal " + std::to_string(memtotal_before >> 10) + " kB before, " +
              std::to_string(memtotal_after >> 10) + " kB after");
  }
  return outcome;
}

}  // namespace pmemreclaim
