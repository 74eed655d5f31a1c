// SPDX-License-Identifier: GPL-2.0-or-later
#include "commands.h"

#include <cstdio>

#include "boot.h"
#include "handoff.h"
#include "json.h"
#include "keep_links.h"

#include "log.h"
#include "memory_block.h"
#include "metrics.h"
#include "nextboot.h"
#include "slice_plan.h"
#include "nvdimm.h"
#include "outcome.h"
#include "probe.h"
#include "reclaim.h"
#include "release.h"
#include "report.h"
#include "timing.h"
#include "version.h"

namespace pmemreclaim {

namespace {

constexpr char kOptionsHelp[] =
    "options (default: the pmemreclaim options of /proc/cmdline, else auto):\n"
    "  --strategy=auto|legacy|ramdax|hmem|off\n"
    "  --keep=SIZE        bytes at the start of the carve that are preserved\n"
    "  --zone=movable|normal\n"
    "  --memmap-on-memory=auto|on|off  the onlined blocks' memory map on themselves\n";

std::string Usage() {
  std::string out =
      "usage: pmemreclaim COMMAND [options]\n"
      "       pmemreclaim COMMAND --help | --help | --version\n"
      "\n"
      "As the first process of an initramfs (rdinit=/sbin/pmemreclaim) it reads its\n"
      "options from the kernel command line, reclaims the pmem carve, and execs\n"
      "pmemreclaim.init= (default /init, else /sbin/init).\n"
      "\n"
      "commands:\n";
  for (const Command& c : Commands()) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-10s %s\n", c.name, c.summary);
    out += line;
  }
  return out + "\n" + kOptionsHelp +
         "kernel command line: pmemreclaim=STRATEGY pmemreclaim.keep=SIZE\n"
         "  pmemreclaim.zone=ZONE pmemreclaim.dry_run pmemreclaim.init=PATH\n"
         "  pmemreclaim.timeout=SECONDS pmemreclaim.memmap_on_memory=auto|on|off\n";
}

std::string CommandUsage(const Command& c) {
  return std::string("usage: pmemreclaim ") + c.name + (*c.args ? " " : "") + c.args + "\n\n" + c.summary + ".\n" +
         c.help;
}

// A command's options, or the status to exit with (2) and the lines why.
bool OptionsOrUsage(const std::vector<std::string>& args, CommandEnv& env, Options* opts, bool* json) {
  std::string err;
  const std::string cmdline = env.sys.ReadFile("/proc/cmdline").value_or("");
  if (CommandOptions(args, cmdline, opts, json, &err)) return true;
  env.err += err;
  return false;
}

int RunPlan(const std::vector<std::string>& args, CommandEnv& env) {
  bool offline = false;
  for (const std::string& a : args) offline = offline || a.rfind("--carve=", 0) == 0;
  bool json = false;
  if (offline) {
    // For the next boot: the carve is given, nothing is read from this machine.
    NextBootInput in;
    std::string err;
    if (!ParseNextBootArgs(args, &in, &json, &err)) {
      env.err += "pmemreclaim: " + err + "\n";
      return 2;
    }
    if (!in.slices.empty()) {
      const auto slices = EstimateSlices(in);
      env.out += json ? SliceEstimatesJson(in, slices) + "\n" : SliceEstimatesText(in, slices);
      return 0;
    }
    const auto estimates = EstimateStrategies(in);
    env.out += json ? EstimatesJson(in, estimates) + "\n" : EstimatesText(in, estimates);
    return 0;
  }
  // What apply would do, decided the way apply decides: apply's own dry
  // run.  Drivers may be loaded; nothing is bound, written or onlined.
  Options opts;
  if (!OptionsOrUsage(args, env, &opts, &json)) return 2;
  opts.dry_run = true;
  const Outcome o = Reclaim(opts, env.sys, env.nvdimm);
  Plan plan;
  plan.strategy = Strategy::kOff;  // nothing to do (the log says why)
  if (o.plan) plan = *o.plan;
  const Arch arch = env.sys.Machine() == "aarch64" ? Arch::kArm64 : Arch::kX86_64;
  env.out += json ? PlanJson(arch, plan) + "\n" : PlanText(arch, plan);
  return o.error.empty() ? 0 : 1;
}

int RunApply(const std::vector<std::string>& args, CommandEnv& env) {
  Options opts;
  bool json = false;
  if (!OptionsOrUsage(args, env, &opts, &json)) return 2;
  const Stamp begin = Now();
  const Outcome o = Reclaim(opts, env.sys, env.nvdimm);
  // What it changed is this boot's record now: `release` gives back what
  // the record says pmemreclaim onlined.
  if (o.touched) WriteHandoffRecord(env.sys, StateJson(o));
  LogInfo(FormatTimings(begin, Now(), PhaseTotals()));
  if (json) env.out += OutcomeJson(o) + "\n";
  return o.ok() ? 0 : 1;
}

// The device layer scanned now, or false having said why.
bool ScanOrSay(CommandEnv& env) {
  std::string err;
  if (env.nvdimm.Rescan(&err)) return true;
  env.err += "pmemreclaim: " + err + "\n";
  return false;
}

const char* StateName(const RegionInfo& r) {
  if (!r.devices.empty()) return "soft-reserved";
  if (r.labelled) return "labelled";
  return r.state == RegionState::kRaw ? "raw" : r.state == RegionState::kDevdax ? "devdax" : "other";
}

int RunStatus(const std::vector<std::string>& args, CommandEnv& env) {
  bool json = false;
  bool prometheus = false;
  for (const std::string& a : args) {
    if (a == "--json" && !prometheus) {
      json = true;
    } else if (a == "--prometheus" && !json) {
      prometheus = true;
    } else {
      env.err += "pmemreclaim: " + (a == "--json" || a == "--prometheus" ? "--json or --prometheus, not both"
                                                                         : "unknown argument " + a) + "\n";
      return 2;
    }
  }
  if (!ScanOrSay(env)) return 1;
  NvdimmInterface& nvdimm = env.nvdimm;
  std::string err;
  const auto geometry = ProbeGeometry(env.sys, &err);
  if (!geometry) {
    env.err += "pmemreclaim: " + err + "\n";
    return 1;
  }
  const std::string policy = env.sys.ReadFile(kAutoOnlinePath).value_or("?\n");
  std::string text = std::string("arch ") + ArchName(geometry->arch) + ", memory block " +
                     HumanSize(geometry->block_size) + ", auto_online_blocks " + policy.substr(0, policy.find('\n')) +
                     "\n";
  StatusView view;
  view.block_size = geometry->block_size;
  JsonWriter regions;
  regions.BeginArray();
  bool any_carve = false;
  std::vector<RegionInfo> foreign;
  for (const auto& s : AllStrategies()) {
    for (const RegionInfo& r : s->Regions(env.sys, nvdimm)) {
      if (!r.carve) {
        foreign.push_back(r);
        continue;
      }
      const u64 online = OnlineKmemBytesIn(env.sys, r.range, geometry->block_size);
      text += r.name + " " + Describe(r.range) + " " + HumanSize(r.range.size()) + " " + StrategyName(s->id()) + " " +
              StateName(r) + ", kmem online " + HumanSize(online) + "\n";
      any_carve = true;
      view.carves.push_back(CarveStatus{r.name, r.range, StrategyName(s->id()), StateName(r), online});
      regions.BeginObject()
          .Field("name", r.name)
          .Field("range", r.range)
          .Field("strategy", StrategyName(s->id()))
          .Field("state", StateName(r))
          .Field("kmem_online", online)
          .EndObject();
    }
  }
  regions.EndArray();
  if (!any_carve) text += "no pmem carve\n";
  const std::string line = ForeignRegionsLine(foreign);
  if (!line.empty()) text += line + "\n";
  std::vector<Range> soft_reserved;
  for (const RegionInfo& r : nvdimm.HmemRegions()) {
    if (!r.range.empty()) soft_reserved.push_back(r.range);
  }
  const std::vector<std::string> hazards = KexecHazards(env.sys, soft_reserved);
  for (const std::string& h : hazards) text += "warning: " + h + "\n";
  // The handoff record of this boot, as pmemreclaim left it under /run.
  auto record = env.sys.ReadFile(kStatePath);
  while (record && !record->empty() && record->back() == '\n') record->pop_back();
  // Asked for on the command line, yet no record: the boot's initramfs did
  // not run pmemreclaim (its hook or dracut module left it out, with a
  // warning, rather than fail the image).
  const bool image_lacks_it = ParseCommandLine(env.sys.ReadFile("/proc/cmdline").value_or("")).requested && !record;
  if (image_lacks_it) {
    text += std::string("warning: the kernel command line asks for pmemreclaim, but this boot has no handoff record (") +
            kStatePath +
            "): the initramfs did not run it (an image made without pmemreclaim: see the warnings of "
            "update-initramfs or dracut, then rebuild the image)\n";
  }
  if (prometheus) {
    view.kexec_hazards = hazards;
    view.record = record;
    view.image_lacks_pmemreclaim = image_lacks_it;
    env.out += PrometheusText(view);
    return 0;
  }
  if (!json) {
    env.out += text + (record ? std::string("handoff record ") + kStatePath + ": " + *record + "\n" : "");
    return 0;
  }
  JsonWriter j;
  j.BeginObject().Field("version", u64{kStateVersion}).Key("record");
  if (record && !record->empty()) {
    j.Raw(*record);  // as this boot wrote it
  } else {
    j.Null();
  }
  j.Field("block_size", geometry->block_size).Key("regions").Raw(regions.str()).Key("kexec_hazards").BeginArray();
  for (const std::string& h : hazards) j.String(h);
  j.EndArray().Field("image_lacks_pmemreclaim", image_lacks_it).EndObject();
  env.out += j.str() + "\n";
  return 0;
}

int RunRelease(const std::vector<std::string>& args, CommandEnv& env) {
  if (!args.empty()) {
    env.err += "pmemreclaim: unknown argument " + args.front() + "\n";
    return 2;
  }
  if (!ScanOrSay(env)) return 1;
  return Release(env.sys, env.nvdimm) ? 0 : 1;
}

// The PID 1 job without the exec, for initramfs hooks: always 0.
int RunBoot(const std::vector<std::string>& /*args*/, CommandEnv& env) {
  env.log_to_kmsg();
  std::string err;
  const auto cmdline = env.sys.ReadFile("/proc/cmdline", &err);
  if (!cmdline) {
    LogError("cannot read /proc/cmdline (" + err + "): nothing changed");
    return 0;
  }
  const Options opts = ParseCommandLine(*cmdline);
  if (!opts.requested && opts.errors.empty()) return 0;
  env.boot_job(opts);
  return 0;
}

int RunModules(const std::vector<std::string>& args, CommandEnv& env) {
  std::string machine = env.sys.Machine();
  for (const std::string& a : args) {
    if (a == "--arch=x86_64") {
      machine = "x86_64";
    } else if (a == "--arch=arm64" || a == "--arch=aarch64") {
      machine = "aarch64";
    } else {
      env.err += "pmemreclaim: unknown argument " + a + "\n";
      return 2;
    }
  }
  for (const std::string& m : AllModules(machine)) env.out += m + "\n";
  return 0;
}

// For udev (60-pmemreclaim.rules): the /dev/pmemreclaim links of a kernel
// device, from this boot's handoff record; status 1 when it has none.
int RunKeepLink(const std::vector<std::string>& args, CommandEnv& env) {
  if (args.size() != 1 || args[0].rfind("--", 0) == 0) {
    env.err += "pmemreclaim: keep-link needs one device name (pmem0, dax0.0)\n";
    return 2;
  }
  const std::vector<std::string> links = KeepLinksFor(env.sys, env.sys.ReadFile(kStatePath).value_or(""), args[0]);
  for (size_t i = 0; i < links.size(); ++i) env.out += (i ? " " : "") + links[i];
  if (links.empty()) return 1;
  env.out += "\n";
  return 0;
}

int RunVersion(const std::vector<std::string>& /*args*/, CommandEnv& env) {
  env.out += std::string("pmemreclaim ") + Version() + "\n";
  return 0;
}

}  // namespace

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"plan", "[options] [--json] | --carve=SIZE!START... [--json]",
       "show what apply would do, or the carve to use on the next boot",
       "On the running system: apply's dry run (drivers may be loaded; nothing is\n"
       "bound, written or onlined), the same strategy and bytes apply then gets.\n"
       "Offline, for the next boot: --carve=SIZE!START (repeatable) [--block=SIZE]\n"
       "[--keep=SIZE] [--page=SIZE|--dax-align=SIZE] [--arch=x86_64|arm64]\n"
       "[--ram=START-END]...: each strategy's onlined and lost bytes, and the carve\n"
       "that loses the least.  --keep=NAME:SIZE[@ALIGN],... (NAME*COUNT:... for\n"
       "NAME0..): named kept slices laid out in order, each strategy's kept,\n"
       "onlined and stranded bytes and the carves to boot with.\n"
       "  --json             machine-readable output\n",
       RunPlan},
      {"apply", "[options] [--dry-run] [--json]", "do it on the running system",
       "Exit status 1 when a region did not end as planned or nothing could be done.\n"
       "  --dry-run          plan and log, change nothing\n"
       "  --json             print the outcome (strategy, regions, kmem bytes)\n",
       RunApply},
      {"status", "[--json|--prometheus]", "regions of each strategy, memory block size, onlined kmem memory, kexec hazards",
       "Also the handoff record this boot left (/run/pmemreclaim/state.json).\n"
       "  --json             {\"version\", \"record\" (the record, or null), \"block_size\",\n"
       "                     \"regions\": [{\"name\", \"range\", \"strategy\", \"state\", \"kmem_online\"}],\n"
       "                     \"kexec_hazards\": [..]}\n"
       "  --prometheus       the same in the Prometheus text format (for node_exporter's\n"
       "                     textfile collector: pmemreclaim-textfile.service)\n",
       RunStatus},
      {"release", "", "before kexec or shutdown: offline what pmemreclaim onlined",
       "Offlines and removes the memory onlined from pmem carves (dax devices back\n"
       "to devdax mode) and says what stays; anything pmemreclaim did not online is\n"
       "left as it is.\n",
       RunRelease},
      {"boot", "", "what PID 1 does, for an initramfs hook (dracut, initramfs-tools)",
       "Reads the kernel command line only (no pmemreclaim= option: nothing), logs to\n"
       "/dev/kmsg, is bounded by pmemreclaim.timeout, and always exits 0.\n",
       RunBoot},
      {"modules", "[--arch=x86_64|arm64]", "the kernel modules an initramfs needs, one per line",
       "Every module any strategy may load on this (or the given) architecture,\n"
       "for image builders (the dracut module, initrd/build.sh).\n",
       RunModules},
      {"keep-link", "DEVICE", "for udev: the /dev/pmemreclaim links of a kept device",
       "Prints the links (relative to /dev) of DEVICE (pmem0, dax0.0) when the handoff\n"
       "record names it as holding kept bytes: pmemreclaim/keepN in address order, and\n"
       "pmemreclaim/keep when it is the only one; pmemreclaim/NAME for the device of\n"
       "named slice NAME; status 1 when it holds none.\n",
       RunKeepLink},
      {"version", "", "print the version", "", RunVersion},
  };
  return commands;
}

bool CommandOptions(const std::vector<std::string>& args, const std::string& cmdline, Options* opts, bool* json,
                    std::string* err) {
  std::vector<std::string> flags;
  for (const std::string& a : args) {
    // A flag's value becomes one option of a command line: a blank or a
    // quote in it would make it another option (--keep='0 pmemreclaim=legacy').
    if (a.rfind("--", 0) == 0 && a.find_first_of(" \t\n\"'") != std::string::npos) {
      *err = "pmemreclaim: bad argument '" + a + "': blanks and quotes are not allowed in a value\n";
      return false;
    }
    if (a == "--json") {
      *json = true;
    } else if (a == "--dry-run") {
      flags.push_back("pmemreclaim.dry_run");
    } else if (a.rfind("--strategy=", 0) == 0) {
      flags.push_back("pmemreclaim=" + a.substr(11));
    } else if (a.rfind("--keep=", 0) == 0) {
      flags.push_back("pmemreclaim.keep=" + a.substr(7));
    } else if (a.rfind("--zone=", 0) == 0) {
      flags.push_back("pmemreclaim.zone=" + a.substr(7));
    } else if (a.rfind("--memmap-on-memory=", 0) == 0) {
      flags.push_back("pmemreclaim.memmap_on_memory=" + a.substr(19));
    } else {
      *err = "pmemreclaim: unknown argument " + a + "\n";
      return false;
    }
  }
  // One parser for both: the kernel's options, each replaced by a flag for the same key.
  auto key_of = [](const std::string& p) { return p.substr(0, p.find('=')); };
  std::string line;
  bool strategy_given = false;
  for (const std::string& p : SplitCommandLine(cmdline)) {
    bool overridden = false;
    for (const std::string& f : flags) overridden = overridden || key_of(f) == key_of(p);
    if (!overridden && (p.rfind("pmemreclaim", 0) == 0 || key_of(p) == "elfcorehdr")) line += " \"" + p + "\"";
  }
  for (const std::string& f : flags) {
    line += " " + f;
    strategy_given = strategy_given || key_of(f) == "pmemreclaim";
  }
  *opts = ParseCommandLine(line);
  if (!opts->requested && !strategy_given) *opts = ParseCommandLine(line + " pmemreclaim=auto");
  for (const std::string& e : opts->errors) *err += "pmemreclaim: " + e + "\n";
  return opts->errors.empty();
}

int RunCommand(const std::vector<std::string>& argv, CommandEnv& env) {
  if (argv.empty()) {
    env.err += Usage();
    return 2;
  }
  const std::string& name = argv.front();
  if (name == "--help" || name == "-h" || name == "help") {
    env.out += Usage();
    return 0;
  }
  if (name == "--version") return RunVersion({}, env);
  for (const Command& c : Commands()) {
    if (name != c.name) continue;
    const std::vector<std::string> args(argv.begin() + 1, argv.end());
    for (const std::string& a : args) {
      if (a == "--help" || a == "-h") {
        env.out += CommandUsage(c);
        return 0;
      }
    }
    return c.run(args, env);
  }
  env.err += "pmemreclaim: unknown command " + name + "\n" + Usage();
  return 2;
}

}  // namespace pmemreclaim
