// SPDX-License-Identifier: GPL-2.0-or-later
#include "reclaim.h"

#include <algorithm>

#include <catch2/catch.hpp>

#include "fakes_test.h"
#include "mark.h"
#include "log.h"

using namespace pmemreclaim;

namespace {

std::vector<std::string> g_lines;
void Capture(LogLevel level, const std::string& line) {
  g_lines.push_back((level <= LogLevel::kError ? "E " : "I ") + line);
}

struct World {
  FakeSystem sys;
  FakeNvdimm fake{&sys};
  FakeNvdimm* nvdimm = &fake;

  World() {
    SetLogSink(Capture);
    g_lines.clear();
    sys.files["/sys/devices/system/memory/block_size_bytes"] = "8000000\n";
    sys.files["/sys/devices/system/memory/auto_online_blocks"] = "offline\n";
    sys.files["/proc/iomem"] = "100000000-23fffffff : System RAM\n";
    sys.available_modules = {"nd_e820", "nd_pmem", "dax_pmem", "device_dax", "kmem"};
  }
  ~World() { SetLogSink(nullptr); }
  bool Logged(const std::string& needle) const {
    for (const std::string& l : g_lines) {
      if (l.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  void AddRegion(u64 start, u64 size) {
    nvdimm->regions.push_back(
        RawRegion("region" + std::to_string(nvdimm->regions.size()), Range::FromSize(start, size)));
  }
  Outcome Run(const std::string& cmdline) {
    return Reclaim(ParseCommandLine(cmdline), sys, *nvdimm);
  }
};

constexpr u64 k4G = 4 * kGiB;

}  // namespace

TEST_CASE("no pmemreclaim= option: nothing loaded, opened or written") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  const Outcome o = w.Run("memmap=2G!4G");
  CHECK_FALSE(o.touched);
  CHECK(w.nvdimm->scans() == 0);
  CHECK(w.sys.loaded.empty());
  CHECK(w.sys.writes.empty());
}

TEST_CASE("bad options, off, and strategies not built yet touch nothing") {
  for (const char* line : {"pmemreclaim=legacy pmemreclaim.keep=lots", "pmemreclaim=off", "pmemreclaim=ramdax",
                           "pmemreclaim=hmem", "pmemreclaim=legacy pmemreclaim.kep=1G"}) {
    INFO(line);
    World w;
    w.AddRegion(k4G, 2 * kGiB);
    const Outcome o = w.Run(line);
    CHECK_FALSE(o.touched);
    CHECK(w.nvdimm->scans() == 0);
    CHECK(w.sys.writes.empty());
    CHECK(w.nvdimm->calls.empty());
    CHECK_FALSE(o.plan);
    CHECK(o.strategy == Strategy::kOff);  // none ran
    CHECK(o.ok() == (std::string(line) == "pmemreclaim=off"));  // off: nothing to do; the others: an error
  }
}

TEST_CASE("a missing module stops before anything is written") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  w.sys.available_modules.erase("kmem");
  const Outcome o = w.Run("pmemreclaim=legacy");
  CHECK_FALSE(o.touched);
  CHECK(w.nvdimm->scans() == 0);
  CHECK(w.nvdimm->calls.empty());
  CHECK(o.error.rfind("cannot load kernel module kmem", 0) == 0);
  CHECK_FALSE(o.ok());
}

TEST_CASE("legacy 2G!4G: devdax created with 2 MiB align, 1920 MiB onlined movable") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  FakeNvdimm* nv = w.nvdimm;
  const Outcome o = w.Run("pmemreclaim=legacy");
  CHECK(o.touched);
  CHECK(w.sys.loaded == std::vector<std::string>{"nd_e820", "nd_pmem", "dax_pmem", "device_dax", "kmem"});
  CHECK(nv->calls == std::vector<std::string>{"create region0 4 KiB", "online region0 movable"});
  REQUIRE(o.kmem_bytes.size() == 1);
  CHECK(o.kmem_bytes[0] == 1920 * kMiB);
  REQUIRE(o.regions.size() == 1);
  CHECK(o.regions[0].ok);
  CHECK(o.regions[0].blocks_onlined == 15);
  CHECK(o.regions[0].blocks_offline.empty());
  // the per-carve summary is the line a person reads (its numbers: kmem_bytes above)
  CHECK(w.Logged("I carve [0x100000000-0x17fffffff] 2 GiB: kept 0 B, onlined 1920 MiB"));
}

TEST_CASE("auto means legacy for now; zone normal is passed on") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  FakeNvdimm* nv = w.nvdimm;
  w.Run("pmemreclaim=auto pmemreclaim.zone=normal");
  CHECK(nv->calls.back() == "online region0 normal");
}

TEST_CASE("memmap_on_memory: auto follows the kernel's parameter, on and off override it") {
  struct Case {
    const char* option;
    std::optional<std::string> param;  // /sys/module/memory_hotplug/parameters/memmap_on_memory
    bool asked;
  };
  for (const Case& c : {Case{"", std::nullopt, false}, Case{"", "N\n", false}, Case{"", "Y\n", true},
                        Case{"", "force\n", true}, Case{" pmemreclaim.memmap_on_memory=off", "Y\n", false},
                        Case{" pmemreclaim.memmap_on_memory=on", "N\n", true},
                        Case{" pmemreclaim.memmap_on_memory=auto", "Y\n", true}}) {
    INFO(c.option << " param " << c.param.value_or("(none)"));
    World w;
    w.AddRegion(k4G, 2 * kGiB);
    if (c.param) w.sys.files[kMemmapOnMemoryParamPath] = *c.param;
    FakeNvdimm* nv = w.nvdimm;
    const Outcome o = w.Run(std::string("pmemreclaim=legacy") + c.option);
    CHECK(nv->calls.back() == std::string("online region0 movable") + (c.asked ? " memmap_on_memory" : ""));
    CHECK(o.kmem_bytes.at(0) == 1920 * kMiB);
  }
}

TEST_CASE("memmap_on_memory refused by the kernel: onlined all the same, one warning from the strategy") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  w.nvdimm->memmap_refusal = "Operation not supported";
  const Outcome o = w.Run("pmemreclaim=legacy pmemreclaim.memmap_on_memory=on");
  CHECK(o.ok());
  CHECK(o.kmem_bytes.at(0) == 1920 * kMiB);
  CHECK(w.Logged("region0: the kernel refused memmap_on_memory (Operation not supported)"));
  World asked_not;
  asked_not.AddRegion(k4G, 2 * kGiB);
  asked_not.nvdimm->memmap_refusal = "Operation not supported";
  asked_not.Run("pmemreclaim=legacy pmemreclaim.memmap_on_memory=off");
  CHECK_FALSE(asked_not.Logged("memmap_on_memory"));
}

TEST_CASE("WantMemmapOnMemory") {
  CHECK_FALSE(WantMemmapOnMemory(MemmapOnMemory::kAuto, std::nullopt));
  CHECK_FALSE(WantMemmapOnMemory(MemmapOnMemory::kAuto, std::string("N\n")));
  CHECK_FALSE(WantMemmapOnMemory(MemmapOnMemory::kAuto, std::string("")));
  CHECK(WantMemmapOnMemory(MemmapOnMemory::kAuto, std::string("Y\n")));
  CHECK(WantMemmapOnMemory(MemmapOnMemory::kAuto, std::string("force\n")));
  CHECK(WantMemmapOnMemory(MemmapOnMemory::kOn, std::nullopt));
  CHECK_FALSE(WantMemmapOnMemory(MemmapOnMemory::kOff, std::string("Y\n")));
}

TEST_CASE("the kept region is never handed to create or online") {
  World w;
  w.AddRegion(k4G, 126 * kMiB);
  w.AddRegion(k4G + 126 * kMiB, 1922 * kMiB);
  FakeNvdimm* nv = w.nvdimm;
  const Outcome o = w.Run("pmemreclaim=legacy pmemreclaim.keep=126M");
  CHECK(nv->calls == std::vector<std::string>{"create region1 4 KiB", "online region1 movable"});
  CHECK(o.kmem_bytes.at(0) == 1920 * kMiB);
}

TEST_CASE("a region straddling the kept range is refused, not written") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  FakeNvdimm* nv = w.nvdimm;
  const Outcome o = w.Run("pmemreclaim=legacy pmemreclaim.keep=126M");
  CHECK(nv->calls.empty());
  CHECK(o.kmem_bytes.at(0) == 0);
}

TEST_CASE("dry run plans and changes nothing") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  FakeNvdimm* nv = w.nvdimm;
  const Outcome o = w.Run("pmemreclaim=legacy pmemreclaim.dry_run");
  CHECK_FALSE(o.touched);
  CHECK(o.plan.has_value());
  CHECK(nv->calls.empty());
  CHECK(w.sys.writes.empty());
}

TEST_CASE("an auto-online policy is held at offline while binding, then restored") {
  World w;
  w.sys.files["/sys/devices/system/memory/auto_online_blocks"] = "online\n";
  w.AddRegion(k4G, 2 * kGiB);
  FakeNvdimm* nv = w.nvdimm;
  w.Run("pmemreclaim=legacy");
  REQUIRE(nv->policy_at_online.size() == 1);
  CHECK(nv->policy_at_online[0].second == "offline\n");
  CHECK(w.sys.files["/sys/devices/system/memory/auto_online_blocks"] == "online\n");
  REQUIRE(w.sys.writes.size() == 2);
}

TEST_CASE("with the policy already offline nothing is written to it") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  w.Run("pmemreclaim=legacy");
  CHECK(w.sys.writes.empty());
}

TEST_CASE("a failed create skips that region's online and goes on with the next carve") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  w.AddRegion(8 * kGiB, 2 * kGiB);
  FakeNvdimm* nv = w.nvdimm;
  nv->fail_create.insert("region0");
  const Outcome o = w.Run("pmemreclaim=legacy");
  CHECK(nv->calls ==
        std::vector<std::string>{"create region0 4 KiB", "create region1 4 KiB", "online region1 movable"});
  REQUIRE(o.regions.size() == 2);
  CHECK_FALSE(o.regions[0].ok);
  CHECK(o.regions[1].ok);
  CHECK(o.kmem_bytes == std::vector<u64>{0, 1920 * kMiB});
}

TEST_CASE("a devdax of our layout from the last boot is reused, not recreated; applying twice changes nothing") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  FakeNvdimm* nv = w.nvdimm;
  const Outcome first = w.Run("pmemreclaim=legacy");
  CHECK(nv->calls == std::vector<std::string>{"create region0 4 KiB", "online region0 movable"});
  CHECK(nv->regions[0].dax_uuid == MarkUuid(MarkRole::kDevdax, nv->regions[0].range));
  nv->calls.clear();
  const Outcome o = w.Run("pmemreclaim=legacy");
  CHECK(nv->calls == std::vector<std::string>{"online region0 movable"});
  CHECK(o.kmem_bytes.at(0) == 1920 * kMiB);
}

TEST_CASE("legacy: a devdax of the same shape without our mark is foreign: nothing written or onlined") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  FakeNvdimm* nv = w.nvdimm;
  nv->regions[0].state = RegionState::kDevdax;
  nv->regions[0].dax_data = Range{k4G + 2 * kMiB, k4G + 2 * kGiB};
  nv->regions[0].dax_uuid = "6b1c3c0e-0d4a-4a6e-9a57-0f0d4b2f5e11";
  const Outcome o = w.Run("pmemreclaim=legacy");
  CHECK(nv->calls.empty());
  CHECK(o.kmem_bytes.at(0) == 0);
  REQUIRE(o.plan);
  CHECK(o.plan->carves.at(0).regions.at(0).action == RegionAction::kLeave);
  CHECK(o.plan->carves.at(0).regions.at(0).reason == Reason::kForeignInfoBlock);
}

TEST_CASE("foreign pmem beside the carve (NFIT, virtio-pmem) is never written, onlined or advised") {
  for (const char* line : {"pmemreclaim=legacy", "pmemreclaim=auto", "pmemreclaim=legacy pmemreclaim.keep=126M"}) {
    INFO(line);
    World w;
    FakeNvdimm* nv = w.nvdimm;
    RegionInfo nfit = RawRegion("region0", Range::FromSize(0x240000000, 512 * kMiB));
    nfit.bus_device = "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00";
    nfit.provider = "ACPI.NFIT";
    RegionInfo virtio = RawRegion("region1", Range::FromSize(0x260000000, 512 * kMiB));
    virtio.bus_device = "/sys/devices/pci0000:00/0000:00:04.0/virtio1";
    virtio.provider = "virtio_pmem";
    nv->regions = {nfit, virtio, RawRegion("region2", Range::FromSize(k4G, 2 * kGiB))};
    const Outcome o = w.Run(line);
    for (const std::string& c : nv->calls) {
      CHECK(c.find("region0") == std::string::npos);
      CHECK(c.find("region1") == std::string::npos);
    }
    REQUIRE(o.skipped.size() == 2);
    CHECK(o.skipped[0].name == "region0");
    CHECK(o.skipped[0].range == nfit.range);
    CHECK(o.skipped[0].bus == "ACPI.NFIT");
    CHECK(o.skipped[0].reason == Reason::kNotACarve);
    CHECK(o.skipped[1].name == "region1");
    CHECK(o.skipped[1].bus == "virtio_pmem");
    CHECK(o.skipped[1].reason == Reason::kNotACarve);
    CHECK_FALSE(w.Logged("0x240000000!"));  // no advice about them
    REQUIRE(o.plan);
    for (const CarvePlan& c : o.plan->carves) CHECK(c.range.start == k4G);
  }
}

TEST_CASE("only foreign pmem: nothing to do") {
  World w;
  RegionInfo nfit = RawRegion("region0", Range::FromSize(0x240000000, 512 * kMiB));
  nfit.bus_device = "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00";
  w.nvdimm->regions = {nfit};
  const Outcome o = w.Run("pmemreclaim=legacy");
  CHECK(w.nvdimm->calls.empty());
  CHECK_FALSE(o.plan);  // nothing to do, and not an error
  CHECK(o.ok());
}

TEST_CASE("a bad pmemreclaim.* key without pmemreclaim= is still reported") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  const Outcome o = w.Run("memmap=2G!4G pmemreclaim.kep=1G");
  CHECK_FALSE(o.touched);
  CHECK(w.sys.loaded.empty());
  CHECK(o.error == "bad options");
}

TEST_CASE("no memory block size: nothing is changed") {
  World w;
  w.sys.files.erase("/sys/devices/system/memory/block_size_bytes");
  w.AddRegion(k4G, 2 * kGiB);
  FakeNvdimm* nv = w.nvdimm;
  const Outcome o = w.Run("pmemreclaim=legacy");
  CHECK_FALSE(o.touched);
  CHECK(nv->calls.empty());
}

namespace {
std::string StatePath(u64 index) { return "/sys/devices/system/memory/memory" + std::to_string(index) + "/state"; }
}  // namespace

TEST_CASE("onlining refused midway: the rest is onlined block by block and one line names the block") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  // libdaxctl onlines memory33.. and stops at memory40, which the kernel
  // refuses; pmemreclaim onlines memory41-47 itself.
  w.sys.write_errors[StatePath(40)] = "Memory page has hardware error";
  const Outcome o = w.Run("pmemreclaim=legacy");
  REQUIRE(o.regions.size() == 1);
  CHECK_FALSE(o.regions[0].ok);
  CHECK(o.regions[0].blocks_onlined == 14);
  REQUIRE(o.regions[0].blocks_offline.size() == 1);
  CHECK(o.regions[0].blocks_offline[0].block == 40);
  CHECK(o.regions[0].blocks_offline[0].error == "online_movable: Memory page has hardware error");
  for (u64 b = 33; b <= 47; ++b) {
    INFO("memory" << b);
    CHECK(w.sys.files[StatePath(b)] == (b == 40 ? "offline\n" : "online\n"));
    const bool written = std::count(w.sys.writes.begin(), w.sys.writes.end(),
                                    std::make_pair(StatePath(b), std::string("online_movable"))) == 1;
    CHECK(written == (b >= 40));
  }
  // What the kernel shows online counts online blocks only: kmem added 15.
  CHECK(o.kmem_bytes.at(0) == 14 * 128 * kMiB);
}

TEST_CASE("onlining refused midway with a kept range: the line says the kept range was not touched") {
  World w;
  w.AddRegion(k4G, 126 * kMiB);
  w.AddRegion(k4G + 126 * kMiB, 1922 * kMiB);
  w.sys.write_errors[StatePath(40)] = "No space left on device";
  w.sys.write_errors[StatePath(41)] = "No space left on device";
  const Outcome o = w.Run("pmemreclaim=legacy pmemreclaim.keep=126M pmemreclaim.zone=normal");
  // the line for people: the blocks as one run, and that the kept range was not touched
  CHECK(w.Logged("E region1 [0x107e00000-0x17fffffff]: created devdax, onlined 13 of 15 memory blocks; memory40-41 "
                 "[0x140000000-0x14fffffff] stay offline (online: No space left on device); kept range "
                 "[0x100000000-0x107dfffff] not touched"));
  const RegionOutcome& made = o.regions.at(1);
  CHECK(made.blocks_onlined == 13);
  REQUIRE(made.blocks_offline.size() == 2);
  CHECK(made.blocks_offline[0].block == 40);
  CHECK(made.blocks_offline[1].block == 41);
  CHECK(made.blocks_offline[1].error == "online: No space left on device");
  CHECK(w.sys.files[StatePath(42)] == "online\n");  // written "online" for zone normal, as libdaxctl does
  CHECK(o.kmem_bytes.at(0) == 13 * 128 * kMiB);
}

TEST_CASE("all blocks online: no per-block writes, the usual line") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  const Outcome o = w.Run("pmemreclaim=legacy");
  CHECK(w.sys.writes.empty());
  CHECK(o.regions.at(0).ok);
  CHECK(o.regions.at(0).blocks_onlined == 15);
  CHECK(o.regions.at(0).blocks_offline.empty());
}

TEST_CASE("kmem never added the blocks: libdaxctl's reason, nothing written to block states") {
  World w;
  w.AddRegion(k4G, 2 * kGiB);
  w.nvdimm->fail_online.insert("region0");
  const Outcome o = w.Run("pmemreclaim=legacy");
  CHECK_FALSE(o.regions.at(0).ok);
  CHECK(o.regions.at(0).blocks_onlined == 0);
  REQUIRE(o.plan);
  CHECK(OutcomeReason(o.plan->carves.at(0).regions.at(0), &o.regions.at(0)) == Reason::kFailed);
  CHECK(w.sys.writes.empty());
  CHECK(o.kmem_bytes.at(0) == 0);
}

TEST_CASE("online kmem bytes count only blocks whose state is online") {
  FakeSystem sys;
  sys.files["/proc/iomem"] = "100000000-23fffffff : System RAM\n108000000-17fffffff : System RAM (kmem)\n";
  const Range carve = Range::FromSize(k4G, 2 * kGiB);
  CHECK(OnlineKmemBytesIn(sys, carve, 128 * kMiB) == 0);  // no memory block devices: nothing online
  for (u64 b = 33; b <= 47; ++b) sys.files[StatePath(b)] = b == 40 ? "offline\n" : "online\n";
  CHECK(OnlineKmemBytesIn(sys, carve, 128 * kMiB) == 14 * 128 * kMiB);
  CHECK(KmemBytesIn(sys, carve) == 15 * 128 * kMiB);
  CHECK(OnlineKmemBytesIn(sys, Range::FromSize(k4G, 1 * kGiB), 128 * kMiB) == 7 * 128 * kMiB);  // memory33-39
}

TEST_CASE("OnlineBlocks: a block kmem did not add is reported, not written") {
  FakeSystem sys;
  for (u64 b = 33; b <= 35; ++b) sys.files[StatePath(b)] = "offline\n";
  sys.files.erase(StatePath(34));
  const std::vector<BlockState> blocks = OnlineBlocks(sys, Range{0x108000000, 0x120000000}, 128 * kMiB, Zone::kMovable);
  REQUIRE(blocks.size() == 3);
  CHECK(blocks[0].online);
  CHECK_FALSE(blocks[1].added);
  CHECK(blocks[1].error == "kmem did not add it");
  CHECK(blocks[2].online);
  CHECK(sys.writes.size() == 2);
}

TEST_CASE("modules per strategy and architecture, and the one list for images") {
  CHECK(MakeStrategy(Strategy::kLegacy)->Modules("aarch64").front() == "of_pmem");
  CHECK(MakeStrategy(Strategy::kLegacy)->Modules("x86_64").front() == "nd_e820");
  CHECK(MakeStrategy(Strategy::kOff) == nullptr);
  CHECK(MakeStrategy(Strategy::kAuto) == nullptr);
  const std::vector<std::string> x86 = AllModules("x86_64");
  const std::vector<std::string> arm = AllModules("aarch64");
  CHECK(x86 == std::vector<std::string>{"nd_e820", "nd_pmem", "dax_pmem", "device_dax", "kmem", "ramdax", "dax_hmem",
                                         "libnvdimm", "nd_btt", "dax_pmem_core", "dax_pmem_compat"});
  CHECK(arm.front() == "of_pmem");
  // Every module any strategy loads is in the list, without its parameters.
  for (const auto& s : AllStrategies()) {
    for (const std::string& m : s->Modules("x86_64")) {
      CHECK(std::find(x86.begin(), x86.end(), m.substr(0, m.find(' '))) != x86.end());
    }
  }
}
