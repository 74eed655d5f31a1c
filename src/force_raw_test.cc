// SPDX-License-Identifier: GPL-2.0-or-later
#include "force_raw.h"

#include <catch2/catch.hpp>

#include "cmdline.h"
#include "fakes_test.h"
#include "mark.h"

using namespace pmemreclaim;

namespace {

// A carve at 4 GiB seen through nd_e820, in the boot job (early) unless a
// test says otherwise.  Records which namespaces were forced raw when
// nd_pmem loaded: those it attached without struct pages.
struct BootWorld {
  FakeSystem sys;
  FakeNvdimm nvdimm{&sys};
  std::set<std::string> raw_at_nd_pmem;
  size_t calls_at_device_dax = 0;  // nvdimm calls made before device_dax loaded
  std::vector<std::string> lines;

  BootWorld() {
    sys.files["/sys/devices/system/memory/block_size_bytes"] = "8000000\n";
    sys.files["/sys/devices/system/memory/auto_online_blocks"] = "offline\n";
    sys.files["/proc/iomem"] = "100000000-5ffffffff : System RAM\n";
    sys.available_modules = {"nd_e820", "nd_pmem", "dax_pmem", "device_dax", "kmem"};
    sys.on_load = [this](const std::string& m) {
      if (m == "nd_pmem") raw_at_nd_pmem = nvdimm.forced;
      if (m == "device_dax") calls_at_device_dax = nvdimm.calls.size();
    };
    SetLogSink([](LogLevel, const std::string&) {});
  }
  ~BootWorld() { SetLogSink(nullptr); }
  RegionInfo& AddRegion(u64 start, u64 size) {
    const std::string n = std::to_string(nvdimm.regions.size());
    nvdimm.regions.push_back(RawRegion("region" + n, Range::FromSize(start, size)));
    nvdimm.regions.back().namespace_name = "namespace" + n + ".0";
    return nvdimm.regions.back();
  }
  Outcome Run(const std::string& cmdline, bool early = true) {
    Options opts = ParseCommandLine(cmdline);
    opts.early = early;
    return Reclaim(opts, sys, nvdimm);
  }
  int Count(const std::string& call) const { return static_cast<int>(std::count(nvdimm.calls.begin(), nvdimm.calls.end(), call)); }
  bool Called(const std::string& prefix) const {
    for (const std::string& c : nvdimm.calls) {
      if (c.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }
};

constexpr u64 k4G = 4 * kGiB;

const RegionPlan& OnlyRegion(const Outcome& o) { return o.plan->carves.at(0).regions.at(0); }

// The 2 GiB region at 4 GiB as pmemreclaim's devdax from an earlier boot
// left it: marked, its data 2 MiB in.
void MakeOwnDevdax(RegionInfo& r) {
  r.state = RegionState::kDevdax;
  r.dax_uuid = MarkUuid(MarkRole::kDevdax, r.range);
  r.dax_data = Range::FromSize(k4G + 2 * kMiB, 2 * kGiB - 2 * kMiB);
}

}  // namespace

TEST_CASE("boot job, fresh carve: nd_pmem attaches it without struct pages, the devdax is made on it") {
  BootWorld w;
  w.AddRegion(k4G, 2 * kGiB);
  const Outcome o = w.Run("pmemreclaim=legacy");
  REQUIRE(o.ok());
  CHECK(w.raw_at_nd_pmem == std::set<std::string>{"namespace0.0"});
  // Loaded in order, the bus driver before the namespace was forced, and
  // device_dax once kmem had the devdax: it never maps it first.
  CHECK(w.sys.loaded == std::vector<std::string>{"nd_e820", "nd_pmem", "dax_pmem", "kmem", "device_dax"});
  CHECK(w.nvdimm.calls.front() == "force-raw namespace0.0");
  CHECK(w.calls_at_device_dax == w.nvdimm.calls.size());
  CHECK(w.nvdimm.calls.back() == "online region0 movable");
  // Read by the look, then once more when the plan judges what it holds.
  CHECK(w.nvdimm.reads == std::vector<std::string>{"namespace0.0", "namespace0.0"});
  CHECK(OnlyRegion(o).action == RegionAction::kCreateDevdax);
  CHECK(w.Called("create region0"));
  CHECK_FALSE(w.Called("reprobe"));
  CHECK(w.nvdimm.struct_page_bytes == 0);  // no raw mapping of the 2 GiB
  CHECK(w.nvdimm.forced.empty());
  CHECK(o.kmem_bytes == std::vector<u64>{1920 * kMiB});  // the data starts 2 MiB in
}

TEST_CASE("boot job: a carve with pmemreclaim's devdax goes back to the kernel's probe and is reused") {
  BootWorld w;
  MakeOwnDevdax(w.AddRegion(k4G, 2 * kGiB));
  const Outcome o = w.Run("pmemreclaim=legacy");
  REQUIRE(o.ok());
  CHECK(w.Count("reprobe namespace0.0") == 1);
  CHECK(OnlyRegion(o).action == RegionAction::kReuseDevdax);
  CHECK_FALSE(w.Called("create"));
  CHECK(w.nvdimm.struct_page_bytes == 0);
  CHECK(w.nvdimm.forced.empty());
}

TEST_CASE("boot job: an info block pmemreclaim did not make is never written, whatever it is") {
  for (RegionState state : {RegionState::kOther, RegionState::kDevdax}) {
    BootWorld w;
    RegionInfo& r = w.AddRegion(k4G, 2 * kGiB);
    r.state = state;
    r.dax_uuid = "8ec78640-0000-4000-8000-000000000000";  // ndctl's devdax, or an fsdax
    const Outcome o = w.Run("pmemreclaim=legacy");
    CHECK(w.Count("reprobe namespace0.0") == 1);
    CHECK_FALSE(w.Called("create"));
    CHECK_FALSE(w.Called("online"));
    CHECK(OnlyRegion(o).action == RegionAction::kLeave);
    CHECK(w.nvdimm.forced.empty());
  }
}

TEST_CASE("a signature is someone's data: one the kernel attached raw (corrupt, unknown) or can't read is left") {
  BootWorld w;
  w.AddRegion(k4G, 2 * kGiB);
  w.AddRegion(k4G + 2 * kGiB, 2 * kGiB);
  w.AddRegion(k4G + 4 * kGiB, 2 * kGiB);
  std::string btt(8192, '\0');
  btt.replace(0, 16, std::string("BTT_ARENA_INFO\0\0", 16));
  std::string pfn(8192, '\0');
  pfn.replace(4096, 16, std::string("NVDIMM_PFN_INFO\0", 16));
  w.nvdimm.media["namespace0.0"] = btt;          // a BTT 2.0 signature the kernel won't take
  w.nvdimm.media["namespace1.0"] = "too short";  // unreadable
  w.nvdimm.media["namespace2.0"] = pfn;          // an fsdax block whose checksum no longer matches
  const Outcome o = w.Run("pmemreclaim=legacy");
  // Each was judged by the kernel's probe first: it attached them raw.
  CHECK(w.Count("reprobe namespace0.0") == 1);
  CHECK(w.Count("reprobe namespace1.0") == 1);
  CHECK(w.Count("reprobe namespace2.0") == 1);
  CHECK(w.nvdimm.forced.empty());
  // ... and then nothing of them is written or onlined, and no advice.
  CHECK_FALSE(w.Called("create"));
  CHECK_FALSE(w.Called("online"));
  REQUIRE(o.plan);
  for (const CarvePlan& c : o.plan->carves) {
    CHECK(c.advice.empty());
    for (const RegionPlan& r : c.regions) {
      CHECK(r.action == RegionAction::kLeave);
      CHECK(r.region.state == RegionState::kOther);
    }
  }
  const auto& regions = o.plan->carves.at(0).regions;
  for (const RegionPlan& r : regions) CHECK(r.reason == Reason::kForeignInfoBlock);
  // what the look found at each start: the region's facts
  CHECK_THAT(regions.at(0).detail, Catch::Contains("a BTT info block the kernel did not take"));
  CHECK_THAT(regions.at(1).detail, Catch::Contains("can't be read"));
  CHECK_THAT(regions.at(2).detail, Catch::Contains("an fsdax (pfn) info block the kernel did not take"));
}

TEST_CASE("a signature is someone's data: an info block the kernel's probe refused is never written") {
  // The kernel leaves the namespace without a driver (-EOPNOTSUPP: a pfn
  // block of another page size, a bad data offset); libndctl then shows it
  // raw with nothing claiming it.
  for (bool early : {true, false}) {
    BootWorld w;
    RegionInfo& r = w.AddRegion(k4G, 2 * kGiB);
    r.state = RegionState::kOther;  // what it holds: an fsdax info block
    if (early) {
      w.nvdimm.reprobe_fails.insert("namespace0.0");  // the look gives it back; the kernel refuses it
    } else {
      w.nvdimm.refused.insert("namespace0.0");       // apply on a running system: refused at boot,
      w.nvdimm.reprobe_fails.insert("namespace0.0");  // and again when apply asks the kernel
    }
    const Outcome o = w.Run("pmemreclaim=legacy", early);
    CHECK_FALSE(w.Called("create"));
    CHECK_FALSE(w.Called("online"));
    REQUIRE(o.plan);
    const RegionPlan& p = OnlyRegion(o);
    CHECK(p.action == RegionAction::kLeave);
    CHECK(p.reason == Reason::kForeignInfoBlock);
    CHECK_THAT(p.detail, Catch::Contains("the kernel's probe refused"));
    CHECK(o.plan->carves.at(0).advice.empty());
  }
}

TEST_CASE("the kept region stays forced raw until the end of the job, then goes back to the kernel") {
  // The boot job forces the carve namespaces raw before nd_pmem loads;
  // apply attaches the ones no driver holds forced raw.  Either way the
  // kept region gets its pages (as without pmemreclaim) only at the end,
  // the 1922 MiB never.
  for (bool early : {true, false}) {
    INFO((early ? "boot job" : "apply"));
    BootWorld w;
    w.AddRegion(k4G, 126 * kMiB);
    w.AddRegion(k4G + 126 * kMiB, 1922 * kMiB);
    if (!early) w.nvdimm.refused = {"namespace0.0", "namespace1.0"};
    const Outcome o = w.Run("pmemreclaim=legacy pmemreclaim.keep=126M", early);
    REQUIRE(o.ok());
    if (early) CHECK(w.raw_at_nd_pmem == std::set<std::string>{"namespace0.0", "namespace1.0"});
    CHECK(o.plan->carves.at(0).regions.at(0).action == RegionAction::kKeep);
    CHECK(o.plan->carves.at(0).regions.at(1).action == RegionAction::kCreateDevdax);
    CHECK(w.nvdimm.calls.back() == "reprobe namespace0.0");
    CHECK(w.Count("reprobe namespace1.0") == 0);
    CHECK(w.nvdimm.struct_page_bytes == 126 * kMiB);
    CHECK(w.nvdimm.forced.empty());
  }
}

TEST_CASE("not the boot job, a dry run, or nd_pmem loaded already: nothing is forced raw") {
  SECTION("apply") {
    BootWorld w;
    w.AddRegion(k4G, 2 * kGiB);
    CHECK(w.Run("pmemreclaim=legacy", false).ok());
    CHECK_FALSE(w.Called("force-raw"));
    CHECK(w.sys.loaded == std::vector<std::string>{"nd_e820", "nd_pmem", "dax_pmem", "device_dax", "kmem"});
  }
  SECTION("dry run") {
    BootWorld w;
    w.AddRegion(k4G, 2 * kGiB);
    w.Run("pmemreclaim=legacy pmemreclaim.dry_run=1");
    CHECK_FALSE(w.Called("force-raw"));
    CHECK_FALSE(w.Called("reprobe"));
  }
  SECTION("nd_pmem there") {
    BootWorld w;
    w.AddRegion(k4G, 2 * kGiB);
    w.sys.files["/sys/module/nd_pmem"] = "";
    CHECK(w.Run("pmemreclaim=legacy").ok());
    CHECK_FALSE(w.Called("force-raw"));
  }
}

TEST_CASE("boot job: regions that are not carves are never forced, nor a namespace a driver holds") {
  BootWorld w;
  w.AddRegion(k4G, 2 * kGiB).bus_device = "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00";  // NFIT
  w.AddRegion(k4G + 2 * kGiB, 2 * kGiB);
  w.nvdimm.held.insert("namespace1.0");  // probed before pmemreclaim ran
  const Outcome o = w.Run("pmemreclaim=legacy");
  CHECK_FALSE(w.Called("force-raw namespace0.0"));
  CHECK(w.Count("force-raw namespace1.0") == 1);  // asked, refused
  CHECK(w.raw_at_nd_pmem.empty());
  // The NFIT namespace is never read; the held carve only when the plan
  // judges what it holds.
  CHECK(w.nvdimm.reads == std::vector<std::string>{"namespace1.0"});
  CHECK_FALSE(w.Called("reprobe"));
  CHECK(o.ok());
}

TEST_CASE("boot job, bad options or off: no look, nothing loaded") {
  for (const char* line : {"pmemreclaim=legacy pmemreclaim.keep=lots", "pmemreclaim=off", "memmap=2G!4G"}) {
    INFO(line);
    BootWorld w;
    w.AddRegion(k4G, 2 * kGiB);
    w.Run(line);
    CHECK(w.sys.loaded.empty());
    CHECK(w.nvdimm.calls.empty());
  }
}

TEST_CASE("boot job: a module that won't load gives the forced namespaces back") {
  BootWorld w;
  w.AddRegion(k4G, 2 * kGiB);
  w.sys.available_modules.erase("dax_pmem");
  const Outcome o = w.Run("pmemreclaim=legacy");
  CHECK_FALSE(o.ok());
  CHECK_FALSE(o.touched);
  CHECK(w.Count("reprobe namespace0.0") == 1);
  CHECK(w.nvdimm.forced.empty());
}

TEST_CASE("PID 1's undo: every carve namespace still forced raw is given back, others are not touched") {
  BootWorld w;
  w.AddRegion(k4G, 2 * kGiB);
  w.AddRegion(k4G + 2 * kGiB, 2 * kGiB).bus_device = "/sys/devices/platform/ACPI0012:00";
  w.AddRegion(k4G + 4 * kGiB, 2 * kGiB);
  w.nvdimm.forced = {"namespace0.0", "namespace1.0"};
  w.nvdimm.reprobe_fails.insert("namespace0.0");  // still cleared, and the rest still done
  FinishBootLook(w.sys, w.nvdimm);
  CHECK(w.nvdimm.calls == std::vector<std::string>{"reprobe namespace0.0"});
  CHECK(w.nvdimm.forced == std::set<std::string>{"namespace1.0"});  // not a carve: never ours to change
  CHECK(w.sys.loaded == std::vector<std::string>{"device_dax"});
}

TEST_CASE("a give-back that stopped between unbind and bind is finished: the namespace is probed again") {
  // force_raw already cleared, no driver bound (the worker died between the
  // two): FinishBootLook binds it again; a carve namespace with a driver,
  // and a foreign one without, are not touched.
  BootWorld w;
  w.AddRegion(k4G, 2 * kGiB);
  w.AddRegion(k4G + 2 * kGiB, 2 * kGiB);
  w.AddRegion(k4G + 4 * kGiB, 2 * kGiB).bus_device = "/sys/devices/platform/ACPI0012:00";
  w.nvdimm.refused = {"namespace0.0", "namespace2.0"};
  FinishBootLook(w.sys, w.nvdimm);
  CHECK(w.nvdimm.calls == std::vector<std::string>{"reprobe namespace0.0"});
  CHECK(w.sys.loaded == std::vector<std::string>{"device_dax"});
}

TEST_CASE("a crash capture kernel: nothing loaded, forced, read, written or onlined, by the boot job or apply") {
  for (bool early : {true, false}) {
    for (bool vmcore_only : {false, true}) {
      BootWorld w;
      w.AddRegion(k4G, 2 * kGiB);
      std::string cmdline = "memmap=2G!4G pmemreclaim=auto pmemreclaim.keep=126M";
      if (vmcore_only) {
        w.sys.files["/proc/vmcore"] = "";
      } else {
        cmdline += " elfcorehdr=0x1f000000";
      }
      const Outcome o = w.Run(cmdline, early);
      CHECK_FALSE(o.touched);
      CHECK_FALSE(o.ok());
      CHECK(o.error == "capture kernel");
      CHECK(w.sys.loaded.empty());
      CHECK(w.nvdimm.calls.empty());
      CHECK(w.nvdimm.reads.empty());
      CHECK(w.sys.writes.empty());
    }
  }
}

TEST_CASE("apply: a carve namespace disabled by hand is attached raw, read, then reclaimed without struct pages") {
  // ndctl destroy-namespace leaves a label-less namespace disabled, its info
  // block zeroed: apply attaches it forced raw, as the boot job's look does,
  // so nd_pmem maps no struct pages for bytes about to be a devdax.
  BootWorld w;
  w.AddRegion(k4G, 2 * kGiB);
  w.nvdimm.refused.insert("namespace0.0");
  const Outcome o = w.Run("pmemreclaim=legacy", false);
  CHECK(w.Count("attach-raw namespace0.0") == 1);
  // read by the probe, then by the plan that judges what it holds
  CHECK(w.nvdimm.reads == std::vector<std::string>{"namespace0.0", "namespace0.0"});
  CHECK_FALSE(w.Called("reprobe"));
  CHECK(w.nvdimm.struct_page_bytes == 0);
  CHECK(OnlyRegion(o).action == RegionAction::kCreateDevdax);
  CHECK(o.kmem_bytes == std::vector<u64>{1920 * kMiB});
  CHECK(w.nvdimm.forced.empty());
  // a dry run binds nothing: it says what it found
  BootWorld dry;
  dry.AddRegion(k4G, 2 * kGiB);
  dry.nvdimm.refused.insert("namespace0.0");
  const Outcome p = dry.Run("pmemreclaim=legacy pmemreclaim.dry_run", false);
  CHECK_FALSE(dry.Called("reprobe"));
  CHECK_FALSE(dry.Called("attach-raw"));
  CHECK(OnlyRegion(p).action == RegionAction::kLeave);
}

TEST_CASE("apply: a namespace that won't attach raw goes to the kernel's probe, as before") {
  BootWorld w;
  w.AddRegion(k4G, 2 * kGiB);
  w.nvdimm.refused.insert("namespace0.0");
  w.nvdimm.attach_raw_fails.insert("namespace0.0");
  const Outcome o = w.Run("pmemreclaim=legacy", false);
  CHECK(w.Count("reprobe namespace0.0") == 1);
  CHECK(w.nvdimm.struct_page_bytes == 2 * kGiB);  // the kernel's raw attach maps them
  CHECK(o.kmem_bytes == std::vector<u64>{1920 * kMiB});
}

TEST_CASE("which job looks early and which probes unattached carves again") {
  Options boot = ParseCommandLine("pmemreclaim=legacy");
  boot.early = true;
  CHECK(BootLookMayRun(boot));
  CHECK_FALSE(ReprobeMayRun(boot));  // the boot job gives back what it forced itself
  Options apply = ParseCommandLine("pmemreclaim=legacy");
  CHECK_FALSE(BootLookMayRun(apply));
  CHECK(ReprobeMayRun(apply));
  Options dry = ParseCommandLine("pmemreclaim=legacy pmemreclaim.dry_run=1");
  CHECK_FALSE(ReprobeMayRun(dry));
  dry.early = true;
  CHECK_FALSE(BootLookMayRun(dry));
  Options capture = ParseCommandLine("pmemreclaim=legacy elfcorehdr=0x7f000000");
  capture.early = true;
  CHECK_FALSE(BootLookMayRun(capture));
  Options off = ParseCommandLine("pmemreclaim=off");
  off.early = true;
  CHECK_FALSE(BootLookMayRun(off));
}

TEST_CASE("boot job under auto: device_dax still loads last, after kmem has the devdax") {
  // auto's look loads nd_pmem first; the chosen strategy then must not load
  // device_dax with the rest (it would map the new devdax whole first).
  for (const bool reuse : {false, true}) {
    BootWorld w;
    w.sys.available_modules.insert("ramdax");  // auto looks at the carves only where it has a choice
    RegionInfo& r = w.AddRegion(k4G, 2 * kGiB);
    if (reuse) MakeOwnDevdax(r);
    const Outcome o = w.Run("pmemreclaim=auto");
    REQUIRE(o.ok());
    CHECK(o.kmem_bytes == std::vector<u64>{1920 * kMiB});
    CHECK(w.sys.loaded.back() == "device_dax");
    CHECK(std::count(w.sys.loaded.begin(), w.sys.loaded.end(), "device_dax") == 1);  // not before kmem too
    CHECK(w.calls_at_device_dax == w.nvdimm.calls.size());
  }
}
