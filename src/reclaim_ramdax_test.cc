// SPDX-License-Identifier: GPL-2.0-or-later
// The ramdax path of Reclaim with a fake kernel: binding through
// driver_override, labels, the kept and devdax namespaces, onlining.
#include <algorithm>
#include <catch2/catch.hpp>

#include "fakes_test.h"
#include "log.h"
#include "reclaim.h"

using namespace pmemreclaim;

namespace {

constexpr u64 k4G = 4 * kGiB;
const std::string kDev = kE820Dev;

}  // namespace

TEST_CASE("ramdax: rebinds from nd_e820, makes the kept and devdax namespaces, onlines 14 blocks") {
  RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
  const Outcome o = w.Run("pmemreclaim=ramdax pmemreclaim.keep=126M");
  CHECK(w.Wrote(kDev + "/driver/unbind", "e820_pmem"));
  CHECK(w.Wrote(kDev + "/driver_override", "ramdax"));
  CHECK(w.nv.calls == std::vector<std::string>{
                          "init-labels region0",
                          "namespace region0 pmemreclaim-keep 126 MiB align 2 MiB enabled",
                          "namespace region0 pmemreclaim-dax 1920 MiB align 2 MiB",
                          "create region0 namespace0.1 4 KiB",
                          "online region0 namespace0.1 movable",
                      });
  CHECK(o.kmem_bytes.at(0) == 1879048192);
  // The policy was held at offline for the binding and restored.
  CHECK(w.sys.files["/sys/devices/system/memory/auto_online_blocks"] == "online\n");
}

TEST_CASE("ramdax on a kernel without it: clear refusal, nothing written") {
  RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
  w.sys.available_modules.erase("ramdax");
  const Outcome o = w.Run("pmemreclaim=ramdax");
  CHECK_FALSE(o.touched);
  CHECK(w.sys.writes.empty());
  CHECK(w.nv.calls.empty());
}

TEST_CASE("ramdax dry run: planned from the carves, nothing bound or written") {
  RamdaxWorld w({Range::FromSize(k4G + 126 * kMiB, 2 * kGiB + 2 * kMiB + kLabelAreaSize)});
  const Outcome o = w.Run("pmemreclaim=ramdax pmemreclaim.dry_run");
  CHECK(w.sys.writes.empty());
  CHECK(w.nv.calls.empty());
  REQUIRE(o.plan.has_value());
  CHECK(o.plan->carves.at(0).onlined == 2 * kGiB);
}

TEST_CASE("auto: ramdax where it onlines at least as much, else legacy") {
  {
    // keep=126M on one 2G carve: legacy refuses the straddling region, ramdax onlines 14 blocks.
    RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
    const Outcome o = w.Run("pmemreclaim=auto pmemreclaim.keep=126M");
    CHECK(o.plan->strategy == Strategy::kRamdax);
    CHECK(o.kmem_bytes.at(0) == 1879048192);
  }
  {
    // Nothing kept on 2G!4G: legacy 1920 MiB beats ramdax 1792 MiB.
    RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
    w.nv.regions.push_back(RawRegion("region0", Range::FromSize(k4G, 2 * kGiB)));
    const Outcome o = w.Run("pmemreclaim=auto");
    CHECK(o.plan->strategy == Strategy::kLegacy);
    CHECK(w.sys.writes.size() == 2);  // only the auto-online policy, held and restored
    CHECK(o.kmem_bytes.at(0) == 1920 * kMiB);
  }
}

TEST_CASE("ChooseStrategy ties go to ramdax, and no ramdax means legacy") {
  Geometry g;
  const std::vector<Range> tie = {Range::FromSize(k4G + 126 * kMiB, 2 * kGiB + 2 * kMiB + kLabelAreaSize)};
  CHECK(ChooseStrategy(g, tie, 0, true) == Strategy::kRamdax);
  CHECK(ChooseStrategy(g, tie, 0, false) == Strategy::kLegacy);
  CHECK(ChooseStrategy(g, {}, 0, true) == Strategy::kLegacy);
  CHECK(ChooseStrategy(g, {Range::FromSize(k4G, 2 * kGiB)}, 0, true) == Strategy::kLegacy);
}

TEST_CASE("hmem: split the kept device off, load kmem only then, online the rest") {
  FakeSystem sys;
  FakeNvdimm nv(&sys);
  SetLogSink(Quiet);
  sys.files["/sys/devices/system/memory/block_size_bytes"] = "8000000\n";
  sys.files["/sys/devices/system/memory/auto_online_blocks"] = "online\n";
  sys.files["/proc/iomem"] = "00100000-bffdefff : System RAM\n  01000000-02000000 : Kernel code\n";
  sys.available_modules = {"dax_hmem", "device_dax", "kmem"};
  nv.hmem_regions.push_back(RawRegion("dax0", Range::FromSize(k4G, 2 * kGiB)));
  // kmem comes last: loaded only after the kept device is split off.
  const Outcome o = Reclaim(ParseCommandLine("pmemreclaim=hmem pmemreclaim.keep=100M"), sys, nv);
  CHECK(sys.loaded == std::vector<std::string>{"dax_hmem region_idle=1", "device_dax", "kmem"});
  CHECK(nv.calls == std::vector<std::string>{"shape dax0 keep [0x100000000-0x107ffffff] rest [0x108000000-0x17fffffff]",
                                             "online dax0.1 movable"});
  CHECK(o.kmem_bytes.at(0) == 2 * kGiB - 128 * kMiB);
  // the auto-online policy is held at offline while kmem binds, then put back
  REQUIRE(nv.policy_at_online.size() == 1);
  CHECK(nv.policy_at_online[0].second == "offline\n");
  CHECK(sys.files["/sys/devices/system/memory/auto_online_blocks"] == "online\n");
  SetLogSink(nullptr);
}

namespace {
std::vector<std::string> g_errors;
void CaptureErrors(LogLevel level, const std::string& line) {
  if (level <= LogLevel::kError) g_errors.push_back(line);
}
}  // namespace

TEST_CASE("hmem: a block the kernel refuses stays offline, the rest is onlined, one line says which") {
  FakeSystem sys;
  FakeNvdimm nv(&sys);
  g_errors.clear();
  SetLogSink(CaptureErrors);
  sys.files["/sys/devices/system/memory/block_size_bytes"] = "8000000\n";
  sys.files["/proc/iomem"] = "00100000-bffdefff : System RAM\n";
  sys.available_modules = {"dax_hmem", "device_dax", "kmem"};
  sys.write_errors["/sys/devices/system/memory/memory40/state"] = "Memory page has hardware error";
  nv.hmem_regions.push_back(RawRegion("dax0", Range::FromSize(k4G, 2 * kGiB)));
  const Outcome o = Reclaim(ParseCommandLine("pmemreclaim=hmem pmemreclaim.keep=100M"), sys, nv);
  SetLogSink(nullptr);
  CHECK(o.kmem_bytes.at(0) == 14 * 128 * kMiB);
  CHECK(std::count(g_errors.begin(), g_errors.end(),
                   "dax0 [0x100000000-0x17fffffff]: dax0.1, onlined 14 of 15 memory blocks; memory40 "
                   "[0x140000000-0x147ffffff] stays offline (online_movable: Memory page has hardware error); "
                   "kept range [0x100000000-0x1063fffff] not touched") == 1);
}

TEST_CASE("hmem: a region kmem onlined before pmemreclaim ran is left") {
  FakeSystem sys;
  FakeNvdimm nv(&sys);
  SetLogSink(Quiet);
  sys.files["/sys/devices/system/memory/block_size_bytes"] = "8000000\n";
  sys.available_modules = {"dax_hmem", "device_dax", "kmem"};
  nv.hmem_regions.push_back(RawRegion("dax0", Range::FromSize(k4G, 2 * kGiB)));
  nv.hmem_regions[0].devices = {DaxDeviceInfo{"dax0.0", nv.hmem_regions[0].range, "kmem"}};
  Reclaim(ParseCommandLine("pmemreclaim=hmem pmemreclaim.keep=128M"), sys, nv);
  CHECK(nv.calls.empty());
  CHECK(std::find(sys.loaded.begin(), sys.loaded.end(), "kmem") == sys.loaded.end());
  SetLogSink(nullptr);
}

TEST_CASE("ramdax that does not bind: the old driver is bound again, nothing else written") {
  RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
  w.sys.on_write = [&w](const std::string& path, const std::string& value) {
    if (path == "/sys/bus/platform/drivers/e820_pmem/bind") {
      w.sys.links[kDev + "/driver"] = "../../../bus/platform/drivers/e820_pmem";
    }
    (void)value;
  };
  w.sys.files["/sys/bus/platform/drivers/e820_pmem/bind"] = "";
  const Outcome o = w.Run("pmemreclaim=ramdax");
  CHECK_FALSE(o.touched);
  CHECK(w.nv.calls.empty());
  CHECK(w.Wrote("/sys/bus/platform/drivers/e820_pmem/bind", "e820_pmem"));
  CHECK(w.Wrote(kDev + "/driver_override", "\n"));
}

TEST_CASE("ramdax: keep reaching into a label area: refused before anything is bound or written") {
  RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
  const Outcome o = w.Run("pmemreclaim=ramdax pmemreclaim.keep=0x7fff0000");
  CHECK_FALSE(o.touched);
  CHECK(w.sys.writes.empty());
  CHECK(w.nv.calls.empty());
}

TEST_CASE("hmem: applying twice changes nothing the second time") {
  HmemWorld w;
  w.Run("pmemreclaim=hmem pmemreclaim.keep=256M");
  const std::vector<DaxDeviceInfo> after_first = w.nv.hmem_regions[0].devices;
  REQUIRE(after_first.size() == 2);
  w.nv.hmem_regions[0].devices[1].driver = "kmem";
  w.nv.calls.clear();
  const Outcome o = w.Run("pmemreclaim=hmem pmemreclaim.keep=256M");
  REQUIRE(o.plan);
  CHECK(o.plan->carves.at(0).regions.at(0).action == RegionAction::kReuseDevdax);
  // The same devices asked for again (a no-op for ShapeHmem), the rest onlined where still offline.
  CHECK(w.nv.calls.at(0) == "shape dax0 keep [0x100000000-0x10fffffff] rest [0x110000000-0x17fffffff]");
  CHECK(w.nv.hmem_regions[0].devices[0].range == after_first[0].range);
  CHECK(o.kmem_bytes.at(0) == 1792 * kMiB);
}

TEST_CASE("hmem: a keep that covers the carve, or leaves less than a block, makes the kept device and no kmem") {
  for (const char* keep : {"2G", "2000M", "3G"}) {
    INFO(keep);
    HmemWorld w;
    const Outcome o = w.Run(std::string("pmemreclaim=hmem pmemreclaim.keep=") + keep);
    REQUIRE(o.plan);
    CHECK(o.plan->carves.at(0).regions.at(0).action == RegionAction::kKeep);
    // The kept bytes end in a device bound to device_dax: kmem, loaded later, will not take it.
    REQUIRE(w.nv.hmem_regions[0].devices.size() == 1);
    CHECK(w.nv.hmem_regions[0].devices[0].driver == "device_dax");
    CHECK(w.nv.hmem_regions[0].devices[0].range.start == k4G);
    CHECK(w.nv.hmem_regions[0].devices[0].range.size() >= std::min<u64>(2000 * kMiB, 2 * kGiB));
    CHECK(std::find(w.sys.loaded.begin(), w.sys.loaded.end(), "kmem") == w.sys.loaded.end());
    CHECK(o.kmem_bytes.at(0) == 0);
  }
}

TEST_CASE("hmem: kmem that can't be loaded fails the outcome") {
  HmemWorld w;
  w.sys.available_modules.erase("kmem");
  const Outcome o = w.Run("pmemreclaim=hmem pmemreclaim.keep=256M");
  REQUIRE(o.regions.size() == 1);
  CHECK_FALSE(o.regions[0].ok);
  CHECK(w.nv.hmem_regions[0].devices.at(0).driver == "device_dax");
}

TEST_CASE("hmem: devices someone else made are left") {
  HmemWorld w;
  w.nv.hmem_regions[0].devices = {DaxDeviceInfo{"dax0.0", Range::FromSize(k4G, kGiB), "device_dax"},
                                  DaxDeviceInfo{"dax0.1", Range::FromSize(k4G + kGiB, kGiB), ""}};
  const Outcome o = w.Run("pmemreclaim=hmem pmemreclaim.keep=256M");
  CHECK(w.nv.calls.empty());
  CHECK(o.kmem_bytes.at(0) == 0);
}

TEST_CASE("auto on arm64 considers ramdax: the carves come from the kernel's regions, not /proc/iomem") {
  FakeSystem sys;
  FakeNvdimm nv(&sys);
  SetLogSink(Quiet);
  sys.files.erase("/sys/bus/platform/devices/e820_pmem/modalias");  // no e820 on arm64
  const std::string dev = "/sys/bus/platform/devices/1c0000000.pmem";
  const Range carve = Range::FromSize(0x1c0000000, 2 * kGiB);
  sys.machine = "aarch64";
  sys.files["/sys/devices/system/memory/block_size_bytes"] = "8000000\n";
  sys.files["/sys/devices/system/memory/auto_online_blocks"] = "online\n";
  sys.files["/proc/iomem"] = "40000000-1bfffffff : System RAM\n";  // no "Persistent Memory (legacy)" on arm64
  sys.available_modules = {"of_pmem", "ramdax", "nd_pmem", "dax_pmem", "device_dax", "kmem"};
  sys.files[dev + "/modalias"] = "of:NpmemT(null)Cpmem-region\n";
  sys.files[dev + "/driver_override"] = "(null)\n";
  sys.files[dev + "/driver/unbind"] = "";
  sys.files["/sys/bus/platform/drivers_probe"] = "";
  sys.links[dev + "/driver"] = "../../../bus/platform/drivers/of_pmem";
  RegionInfo legacy = RawRegion("region0", carve);
  legacy.bus_device = "/sys/devices/platform/1c0000000.pmem";
  nv.regions = {legacy};
  sys.on_write = [&](const std::string& path, const std::string&) {
    if (path != "/sys/bus/platform/drivers_probe") return;
    sys.links[dev + "/driver"] = "../../../bus/platform/drivers/ramdax";
    nv.regions.clear();
    RegionInfo r = RamdaxRegionFor("region1", carve);
    r.bus_device = "/sys/devices/platform/1c0000000.pmem";
    nv.ramdax_regions = {r};
  };
  const Outcome o = Reclaim(ParseCommandLine("pmemreclaim=auto pmemreclaim.keep=126M"), sys, nv);
  SetLogSink(nullptr);
  REQUIRE(o.plan);
  CHECK(o.plan->strategy == Strategy::kRamdax);  // legacy would online nothing: the keep is inside the one region
  CHECK(o.kmem_bytes.at(0) == 1792 * kMiB);
}

TEST_CASE("auto with a keep: a carve whose info block the kernel refused or attached raw is not moved to ramdax") {
  for (int variant : {0, 1}) {
    RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
    w.nv.regions.at(0).namespace_name = "namespace0.0";
    std::string pfn(8192, '\0');
    pfn.replace(4096, 16, std::string("NVDIMM_PFN_INFO\0", 16));
    w.nv.media["namespace0.0"] = pfn;
    if (variant == 1) {
      // an fsdax block with its data offset off alignment: the kernel refused it (no driver),
      w.nv.refused.insert("namespace0.0");
      w.nv.reprobe_fails.insert("namespace0.0");  // and again when apply's probe gives it to the kernel
    }  // else one checksum byte flipped: the kernel attached it raw
    const Outcome o = w.Run("pmemreclaim=auto pmemreclaim.keep=126M");
    REQUIRE(o.plan);
    CHECK(o.plan->strategy == Strategy::kLegacy);
    CHECK_FALSE(w.Wrote(kE820Dev + "/driver_override", "ramdax"));
    CHECK(w.nv.ramdax_regions.empty());
    for (const std::string& c : w.nv.calls) {  // nothing created, shaped or onlined
      CHECK((c.rfind("reprobe ", 0) == 0 || c.rfind("attach-raw ", 0) == 0));
    }
    // Refused: attached raw to read it, the signature found, the kernel's
    // probe asked; twice, as auto reads the carves twice (force_raw.h).
    const std::vector<std::string> ask{"attach-raw namespace0.0", "reprobe namespace0.0"};
    std::vector<std::string> twice = ask;
    twice.insert(twice.end(), ask.begin(), ask.end());
    CHECK(w.nv.calls == (variant == 1 ? twice : std::vector<std::string>{}));
    CHECK(o.kmem_bytes == std::vector<u64>{0});
    CHECK(o.plan->carves.at(0).advice.empty());
  }
}

TEST_CASE("ramdax: every boot honours its own keep: the layout of another keep is laid out again") {
  RamdaxBoots b({Range::FromSize(k4G, 2 * kGiB)});
  const auto boot = [&b](const std::string& keep, std::vector<std::string>* calls) {
    const Outcome o = b.Boot("pmemreclaim=ramdax pmemreclaim.keep=" + keep);
    *calls = b.calls;
    return o;
  };
  std::vector<NamespaceInfo>& labels = b.labels;
  std::vector<std::string> calls;
  REQUIRE(boot("126M", &calls).ok());
  for (const char* keep : {"254M", "62M", "126M"}) {
    const Outcome next = boot(keep, &calls);
    REQUIRE(next.ok());
    const u64 kept = *ParseSize(keep);
    CHECK(next.plan->carves.at(0).regions.at(0).keep_extent == Range::FromSize(k4G, kept));
    // the earlier layout's namespaces deleted (labels), the new ones made after them
    CHECK(std::count_if(calls.begin(), calls.end(), [](const std::string& c) { return c.rfind("delete ", 0) == 0; }) == 2);
    CHECK(std::count(calls.begin(), calls.end(), "namespace region0 pmemreclaim-keep " + HumanSize(kept) +
                                                     " align 2 MiB enabled") == 1);
    // nothing in the new kept range is onlined: the devdax data starts after it
    REQUIRE(labels.size() == 2);
    CHECK(labels[0].range == Range::FromSize(k4G, kept));
    CHECK(labels[1].dax_data.start >= k4G + kept);
    CHECK(next.kmem_bytes.at(0) == AlignInward(labels[1].dax_data, 128 * kMiB).size());
    CHECK(next.kmem_bytes.at(0) > 0);
  }
}

TEST_CASE("ramdax as the boot job, and auto choosing it: device_dax loads once, after kmem has the devdax") {
  for (const char* cmdline : {"pmemreclaim=ramdax pmemreclaim.keep=126M", "pmemreclaim=auto pmemreclaim.keep=126M"}) {
    RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
    size_t calls_at_device_dax = 0;
    w.sys.on_load = [&](const std::string& m) {
      if (m == "device_dax") calls_at_device_dax = w.nv.calls.size();
    };
    const Outcome o = w.Run(cmdline, true);
    REQUIRE(o.plan);
    CHECK(o.plan->strategy == Strategy::kRamdax);
    CHECK(o.kmem_bytes.at(0) == 1879048192);
    CHECK(std::count(w.sys.loaded.begin(), w.sys.loaded.end(), "device_dax") == 1);
    CHECK(w.sys.loaded.back() == "device_dax");
    CHECK(calls_at_device_dax == w.nv.calls.size());  // every namespace made and onlined before it
  }
}

TEST_CASE("boot job, reuse of a ramdax layout with nothing kept: the devdax at the carve start does not stop ramdax") {
  // The carve as ramdax left it: labels in its last 128 KiB, and (nothing
  // kept) the devdax namespace from its first byte, so its info block is
  // what nd_e820's label-less namespace shows at 4 KiB, and the kernel's
  // label-less probe refuses it.  Found by qemu/bench.sh's strategies rows
  // (ramdax and auto, second boot on the same RAM file: nothing onlined).
  for (const char* cmdline : {"pmemreclaim=ramdax", "pmemreclaim=auto"}) {
    INFO(cmdline);
    const Range carve = Range::FromSize(k4G, 2 * kGiB + kLabelAreaSize);
    RamdaxWorld w({carve});
    RegionInfo& e820 = w.nv.regions.at(0);
    e820.namespace_name = "namespace0.0";
    e820.labels_at_end = true;  // what the region shows while its namespace is attached raw (its last 128 KiB read)
    std::string start(8192, '\0');
    start.replace(4096, 16, std::string("NVDIMM_DAX_INFO\0", 16));
    w.nv.media["namespace0.0"] = start;
    w.nv.reprobe_fails.insert("namespace0.0");  // the label-less probe refuses the labelled devdax's block
    static std::vector<std::string> lines;
    lines.clear();
    SetLogSink([](LogLevel, const std::string& l) { lines.push_back(l); });
    const Outcome o = w.Run(cmdline, true);
    for (const std::string& l : lines) UNSCOPED_INFO(l);
    REQUIRE(o.plan);
    CHECK(o.plan->strategy == Strategy::kRamdax);
    CHECK(w.Wrote(kE820Dev + "/driver_override", "ramdax"));
    // never given back to the label-less probe
    CHECK(std::count(w.nv.calls.begin(), w.nv.calls.end(), "reprobe namespace0.0") == 0);
    CHECK(o.kmem_bytes.at(0) == 1920 * kMiB);
  }
}

TEST_CASE("hmem: a soft-reserved region the kernel does not place is left alone, and the strategy says so") {
  HmemWorld w;
  static std::vector<std::string> warnings;
  warnings.clear();
  SetLogSink([](LogLevel level, const std::string& line) {
    if (level == LogLevel::kWarning) warnings.push_back(line);
  });
  w.nv.hmem_regions[0].range = Range{};  // dax_hmem gave no device to say where it starts
  w.nv.hmem_regions[0].bus_device = "/sys/devices/platform/hmem.0";
  const Outcome o = w.Run("pmemreclaim=hmem pmemreclaim.keep=128M");
  CHECK(w.nv.calls.empty());
  CHECK(o.kmem_bytes.empty());
  CHECK(std::count(warnings.begin(), warnings.end(),
                   "dax0: cannot tell where soft-reserved region /sys/devices/platform/hmem.0 lies; left alone") == 1);
}

TEST_CASE("ramdax: a namespace the kernel places elsewhere than planned is given back, nothing else written") {
  for (bool kept_one : {true, false}) {
    INFO((kept_one ? "the kept namespace" : "the devdax namespace"));
    RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
    // the kernel's first free address: 2 MiB in (someone's namespace, say), not the carve start
    w.nv.next_dpa["region0"] = k4G + 2 * kMiB;
    const Outcome o = w.Run(kept_one ? "pmemreclaim=ramdax pmemreclaim.keep=126M" : "pmemreclaim=ramdax");
    CHECK_FALSE(o.ok());
    REQUIRE(o.regions.size() == 1);
    CHECK(o.regions[0].message.find("placed it at [0x100200000-") != std::string::npos);
    CHECK(o.regions[0].message.find("given back") != std::string::npos);
    CHECK(w.nv.calls.back() == "delete region0 namespace0.0");
    CHECK(w.nv.ramdax_regions[0].namespaces.empty());
    CHECK(o.kmem_bytes.at(0) == 0);
    if (!kept_one) continue;
    CHECK(o.regions[0].kept_device.empty());
  }
}
