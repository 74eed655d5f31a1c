// SPDX-License-Identifier: GPL-2.0-or-later
#include "firmware_map.h"

#include <catch2/catch.hpp>

#include "fakes_test.h"
#include "legacy.h"
#include "probe.h"
#include "reclaim.h"

using namespace pmemreclaim;

namespace {

constexpr u64 k4G = 4 * kGiB;

FirmwareMapEntry Entry(u64 start, u64 end, const std::string& type) { return {Range{start, end}, type}; }

// A firmware map entry in the fake sysfs (end inclusive, as the kernel prints it).
void AddMapEntry(FakeSystem& sys, int n, const Range& r, const std::string& type) {
  const std::string dir = "/sys/firmware/memmap/" + std::to_string(n);
  sys.files[dir + "/start"] = Hex(r.start) + "\n";
  sys.files[dir + "/end"] = Hex(r.end - 1) + "\n";
  sys.files[dir + "/type"] = type + "\n";
}

}  // namespace

TEST_CASE("memmap= carves of a command line") {
  CHECK(MemmapCarves("quiet memmap=2G!4G") == std::vector<Range>{Range::FromSize(k4G, 2 * kGiB)});
  CHECK(MemmapCarves("memmap=126M!4G,2G!0x107E00000 memmap=1G$8G memmap=4G%8G-1+0xefffffff") ==
        std::vector<Range>{Range::FromSize(k4G, 126 * kMiB), Range::FromSize(0x107E00000, 2 * kGiB)});
  CHECK(MemmapCarves("memmap=exactmap pmemreclaim=legacy").empty());
}

TEST_CASE("carved from RAM: System RAM in the firmware's map, or a memmap= carve; nothing else") {
  const std::vector<FirmwareMapEntry> map = {Entry(0, 0x80000000, "System RAM"),
                                             Entry(0x100000000, 0x180000000, "System RAM"),
                                             Entry(0x180000000, 0x200000000, "System RAM"),
                                             Entry(0x200000000, 0x240000000, "Persistent Memory (legacy)")};
  CHECK(CarvedFromRam(Range::FromSize(k4G, 2 * kGiB), map, {}));          // two adjacent entries
  CHECK(CarvedFromRam(Range::FromSize(k4G, 4 * kGiB), map, {}));
  CHECK_FALSE(CarvedFromRam(Range{0x200000000, 0x240000000}, map, {}));   // firmware pmem
  CHECK_FALSE(CarvedFromRam(Range{0x1c0000000, 0x220000000}, map, {}));   // half of each
  CHECK_FALSE(CarvedFromRam(Range{0x80000000, 0x100000000}, map, {}));    // a hole
  CHECK(CarvedFromRam(Range{0x200000000, 0x240000000}, map, {Range{0x200000000, 0x240000000}}));  // memmap=
  CHECK(CarvedFromRam(Range{0x200000000, 0x240000000}, {}, {Range{0x1c0000000, 0x240000000}}));
  CHECK_FALSE(CarvedFromRam(Range{}, map, {}));
}

TEST_CASE("property: carved from RAM iff every byte is in some RAM interval") {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 3000; ++i) {
    std::vector<FirmwareMapEntry> map;
    std::vector<Range> memmap;
    std::vector<bool> ram(64, false);  // 64 units of 1 MiB
    for (int k = rng() % 6; k > 0; --k) {
      const u64 a = rng() % 64, b = a + 1 + rng() % (64 - a);
      const bool is_ram = rng() % 3 != 0;
      if (rng() % 4 == 0) {
        memmap.push_back(Range{a * kMiB, b * kMiB});
      } else {
        map.push_back(Entry(a * kMiB, b * kMiB, is_ram ? "System RAM" : "Persistent Memory (legacy)"));
        if (!is_ram) continue;
      }
      for (u64 u = a; u < b; ++u) ram[u] = true;
    }
    const u64 a = rng() % 64, b = a + 1 + rng() % (64 - a);
    bool all = true;
    for (u64 u = a; u < b; ++u) all = all && ram[u];
    CHECK(CarvedFromRam(Range{a * kMiB, b * kMiB}, map, memmap) == all);
  }
}

TEST_CASE("firmware pmem on e820_pmem is not a carve: never forced, written, onlined, moved or advised") {
  // An NVDIMM-N platform's pmem (e820 type 12, listed as persistent memory in
  // the firmware's map) beside a memmap= carve on the same e820_pmem device.
  for (const char* cmdline : {"memmap=2G!4G pmemreclaim=legacy", "memmap=2G!4G pmemreclaim=auto pmemreclaim.keep=126M"}) {
    FakeSystem sys;
    FakeNvdimm nv{&sys};
    sys.files["/sys/devices/system/memory/block_size_bytes"] = "8000000\n";
    sys.files["/sys/devices/system/memory/auto_online_blocks"] = "offline\n";
    sys.files["/proc/iomem"] =
        "100000000-17fffffff : Persistent Memory (legacy)\n200000000-27fffffff : Persistent Memory (legacy)\n";
    sys.files["/proc/cmdline"] = std::string(cmdline) + "\n";
    sys.files["/sys/firmware/memmap/0/end"] = "0x1ffffffff\n";  // RAM up to 8 GiB, then firmware pmem
    AddMapEntry(sys, 1, Range{0x200000000, 0x280000000}, "Persistent Memory (legacy)");
    sys.available_modules = {"nd_e820", "nd_pmem", "dax_pmem", "device_dax", "kmem", "ramdax"};
    nv.regions.push_back(RawRegion("region0", Range::FromSize(k4G, 2 * kGiB)));
    nv.regions.push_back(RawRegion("region1", Range{0x200000000, 0x280000000}));
    nv.regions[0].namespace_name = "namespace0.0";
    nv.regions[1].namespace_name = "namespace1.0";
    std::vector<RegionInfo> marked = nv.LegacyRegions();
    FindCarves(sys, &marked);
    CHECK(marked[0].carve);
    CHECK_FALSE(marked[1].carve);
    CHECK(marked[1].firmware_pmem);
    SetLogSink([](LogLevel, const std::string&) {});
    Options opts = ParseCommandLine(cmdline);
    opts.early = true;
    const Outcome o = Reclaim(opts, sys, nv);
    SetLogSink(nullptr);
    REQUIRE(o.plan);
    CHECK(o.plan->strategy == Strategy::kLegacy);  // e820_pmem is not moved to ramdax with firmware pmem on it
    for (const std::string& c : nv.calls) CHECK(c.find("region1") == std::string::npos);
    for (const std::string& c : nv.calls) CHECK(c.find("namespace1.0") == std::string::npos);
    CHECK(std::count(nv.reads.begin(), nv.reads.end(), "namespace1.0") == 0);
    CHECK(o.plan->carves.size() == 1);
    for (const auto& [path, value] : sys.writes) CHECK(path.find("driver_override") == std::string::npos);
  }
}
