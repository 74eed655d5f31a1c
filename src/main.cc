// pmemreclaim: PID 1 in an initramfs, or a command on a running system.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "boot.h"
#include "cmdline.h"
#include "log.h"
#include "nextboot.h"
#include "nvdimm.h"
#include "plan.h"
#include "probe.h"
#include "reclaim.h"
#include "release.h"
#include "report.h"
#include "system.h"
#include "timing.h"

namespace pmemreclaim {
namespace {

constexpr char kUsage[] =
    "usage: pmemreclaim plan|apply|status [options]\n"
    "\n"
    "As the first process of an initramfs (rdinit=/sbin/pmemreclaim) it reads its\n"
    "options from the kernel command line, reclaims the pmem carve, and execs\n"
    "pmemreclaim.init= (default /init, else /sbin/init).\n"
    "\n"
    "commands:\n"
    "  plan     show what apply would do (its dry run: drivers may be loaded,\n"
    "           nothing is bound, written or onlined).  Offline, for the\n"
    "           next boot: plan --carve=SIZE!START [--block=SIZE] [--keep=SIZE]\n"
    "           [--page=SIZE|--dax-align=SIZE] [--arch=x86_64|arm64]\n"
    "           [--ram=START-END]... [--json]: each strategy's onlined and lost\n"
    "           bytes, and the carve that loses the least\n"
    "  apply    do it on the running system\n"
    "  status   regions, memory block size, onlined kmem memory, kexec hazards\n"
    "  release  before kexec or shutdown: offline and remove the memory onlined\n"
    "           from pmem carves (dax devices back to devdax), say what stays\n"
    "  boot     what PID 1 does, for an initramfs hook (dracut): the kernel\n"
    "           command line only (no pmemreclaim= option: nothing), logs to\n"
    "           /dev/kmsg, bounded by pmemreclaim.timeout, always exits 0\n"
    "options (default: the pmemreclaim options of /proc/cmdline):\n"
    "  --strategy=auto|legacy|ramdax|hmem|off\n"
    "  --keep=SIZE        bytes at the start of the carve that are preserved\n"
    "  --zone=movable|normal\n"
    "  --dry-run          (apply) plan and log, change nothing\n"
    "  --json             machine-readable output (plan, status)\n"
    "kernel command line: pmemreclaim=STRATEGY pmemreclaim.keep=SIZE\n"
    "  pmemreclaim.zone=ZONE pmemreclaim.dry_run pmemreclaim.init=PATH\n"
    "  pmemreclaim.timeout=SECONDS\n";

int Usage(FILE* to, int rc) {
  std::fputs(kUsage, to);
  return rc;
}

// `pmemreclaim boot`: the PID 1 job without the exec, for initramfs hooks.
int BootHook() {
  LogToKmsg();
  RealSystem sys;
  std::string err;
  const auto cmdline = sys.ReadFile("/proc/cmdline", &err);
  if (!cmdline) {
    LogError("cannot read /proc/cmdline (" + err + "): nothing changed");
    return 0;
  }
  const Options opts = ParseCommandLine(*cmdline);
  if (!opts.requested && opts.errors.empty()) return 0;
  RunReclaimJob(opts);
  return 0;
}

int Main(int argc, char** argv) {
  if (argc < 2) return Usage(stderr, 2);
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") return Usage(stdout, 0);
  // `pmemreclaim COMMAND --help`: the usage on stdout, status 0.
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") return Usage(stdout, 0);
  }

  if (command == "boot") return BootHook();
  if (command == "plan") {
    // Offline: the carve is given, nothing is read from this machine.
    std::vector<std::string> args(argv + 2, argv + argc);
    bool offline = false;
    for (const std::string& a : args) offline = offline || a.rfind("--carve=", 0) == 0;
    if (offline) {
      NextBootInput in;
      bool json = false;
      std::string err;
      if (!ParseNextBootArgs(args, &in, &json, &err)) {
        std::fprintf(stderr, "pmemreclaim: %s\n", err.c_str());
        return 2;
      }
      const auto estimates = EstimateStrategies(in);
      std::fputs((json ? EstimatesJson(in, estimates) + "\n" : EstimatesText(in, estimates)).c_str(), stdout);
      return 0;
    }
  }

  RealSystem sys;
  // Options: the kernel command line's pmemreclaim options, each replaced
  // by the flag for the same key when one is given; one parser for both.
  std::vector<std::string> flags;
  bool json = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json") {
      json = true;
    } else if (a == "--dry-run") {
      flags.push_back("pmemreclaim.dry_run");
    } else if (a.rfind("--strategy=", 0) == 0) {
      flags.push_back("pmemreclaim=" + a.substr(11));
    } else if (a.rfind("--keep=", 0) == 0) {
      flags.push_back("pmemreclaim.keep=" + a.substr(7));
    } else if (a.rfind("--zone=", 0) == 0) {
      flags.push_back("pmemreclaim.zone=" + a.substr(7));
    } else {
      std::fprintf(stderr, "pmemreclaim: unknown argument %s\n", a.c_str());
      return Usage(stderr, 2);
    }
  }
  auto key_of = [](const std::string& p) { return p.substr(0, p.find('=')); };
  std::string line;
  bool strategy_given = false;
  if (auto cmdline = sys.ReadFile("/proc/cmdline")) {
    for (const std::string& p : SplitCommandLine(*cmdline)) {
      bool overridden = false;
      for (const std::string& f : flags) overridden = overridden || key_of(f) == key_of(p);
      if (!overridden && p.rfind("pmemreclaim", 0) == 0) line += " \"" + p + "\"";
    }
  }
  for (const std::string& f : flags) {
    line += " " + f;
    strategy_given = strategy_given || key_of(f) == "pmemreclaim";
  }
  Options opts = ParseCommandLine(line);
  if (!opts.requested && !strategy_given) opts = ParseCommandLine(line + " pmemreclaim=auto");
  for (const std::string& e : opts.errors) std::fprintf(stderr, "pmemreclaim: %s\n", e.c_str());
  if (!opts.errors.empty()) return 2;

  std::string err;
  if (command == "apply") {
    const Stamp begin = Now();
    const Outcome o = Reclaim(opts, sys, [](std::string* e) { return OpenLibNvdimm(e); });
    LogInfo(FormatTimings(begin, Now(), PhaseTotals()));
    for (const RegionOutcome& r : o.regions) {
      if (!r.ok) return 1;
    }
    return 0;
  }
  if (command == "release") {
    auto nvdimm = OpenLibNvdimm(&err);
    if (!nvdimm) {
      std::fprintf(stderr, "pmemreclaim: %s\n", err.c_str());
      return 1;
    }
    return Release(sys, *nvdimm) ? 0 : 1;
  }
  if (command == "plan") {
    // What apply would do, decided the way apply decides (auto, the look
    // before ramdax, hmem): apply's own dry run.  Drivers may be loaded;
    // nothing is bound, written or onlined.
    opts.dry_run = true;
    const Outcome o = Reclaim(opts, sys, [](std::string* e) { return OpenLibNvdimm(e); });
    Plan plan;
    plan.strategy = Strategy::kOff;  // nothing to do (the lines above say why)
    if (o.plan) plan = *o.plan;
    const Arch arch = sys.Machine() == "aarch64" ? Arch::kArm64 : Arch::kX86_64;
    std::fputs((json ? PlanJson(arch, plan) + "\n" : PlanText(arch, plan)).c_str(), stdout);
    return 0;
  }
  if (command == "status") {
    auto nvdimm = OpenLibNvdimm(&err);
    if (!nvdimm) {
      std::fprintf(stderr, "pmemreclaim: %s\n", err.c_str());
      return 1;
    }
    const Strategy strategy = opts.strategy == Strategy::kRamdax ? Strategy::kRamdax : Strategy::kLegacy;
    auto machine = ProbeMachine(sys, *nvdimm, strategy, &err);
    if (!machine) {
      std::fprintf(stderr, "pmemreclaim: %s\n", err.c_str());
      return 1;
    }
    {
      const auto policy = sys.ReadFile(kAutoOnlinePath);
      std::printf("arch %s, memory block %s, auto_online_blocks %s", ArchName(machine->arch),
                  HumanSize(machine->block_size).c_str(), policy ? policy->c_str() : "?\n");
      for (const RegionInfo& r : machine->regions) {
        if (!r.carve) continue;
        const char* state = r.state == RegionState::kRaw ? "raw" : r.state == RegionState::kDevdax ? "devdax" : "other";
        std::printf("%s %s %s %s, kmem online %s\n", r.name.c_str(), Describe(r.range).c_str(),
                    HumanSize(r.range.size()).c_str(), state, HumanSize(OnlineKmemBytesIn(sys, r.range, machine->block_size)).c_str());
      }
      if (CarveRegions(machine->regions).empty()) std::printf("no pmem carve\n");
      const std::string foreign = ForeignRegionsLine(machine->regions);
      if (!foreign.empty()) std::printf("%s\n", foreign.c_str());
      std::vector<Range> soft_reserved;
      for (const RegionInfo& r : nvdimm->HmemRegions()) soft_reserved.push_back(r.range);
      for (const std::string& h : KexecHazards(sys, soft_reserved)) std::printf("warning: %s\n", h.c_str());
      return 0;
    }
  }
  std::fprintf(stderr, "pmemreclaim: unknown command %s\n", command.c_str());
  return Usage(stderr, 2);
}

}  // namespace
}  // namespace pmemreclaim

int main(int argc, char** argv, char** envp) {
  if (getpid() == 1) pmemreclaim::BootMain(argc, argv, envp);
  try {
    return pmemreclaim::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pmemreclaim: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "pmemreclaim: internal error\n");
  }
  return 1;
}
