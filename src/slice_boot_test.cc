// SPDX-License-Identifier: GPL-2.0-or-later
// Named kept slices at boot (part 17): the planners (PlanHmemSlices,
// PlanLegacySlices), the devices a job makes through the fake device layer,
// the record's slices and the /dev/pmemreclaim/NAME links.
#include <random>

#include "fakes_test.h"
#include "handoff.h"
#include "keep_links.h"
#include "plan.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace pmemreclaim;

namespace {

constexpr u64 k4G = 4 * kGiB;

Geometry HmemGeometry(const Range& region, u64 block = 128 * kMiB) {
  Geometry g;
  g.block_size = block;
  RegionInfo r = RawRegion("dax0", region);
  r.carve = true;
  g.regions = {r};
  return g;
}

std::vector<SliceSpec> Specs(const std::string& text) {
  std::string err;
  const auto spec = ParseSlices(text, &err);
  REQUIRE(spec);
  return spec->slices;
}

// The region's devices as (start offset from 4G in MiB, size in MiB, kept).
std::vector<std::tuple<u64, u64, bool>> Shape(const RegionPlan& p) {
  std::vector<std::tuple<u64, u64, bool>> out;
  for (const HmemDeviceSpec& d : HmemDevicesOf(p)) out.emplace_back((d.range.start - k4G) >> 20, d.range.size() >> 20, d.kept);
  return out;
}

}  // namespace

TEST_CASE("hmem slices: one device per slice in order from the region start, the rest one device for kmem") {
  Plan plan;
  std::string err;
  REQUIRE(PlanHmemSlices(HmemGeometry(Range::FromSize(k4G, 6 * kGiB)), Specs("vm*2:1G@1G,log:126M"), &plan, &err));
  REQUIRE(plan.carves.size() == 1);
  const CarvePlan& c = plan.carves[0];
  const RegionPlan& r = c.regions.at(0);
  CHECK(r.action == RegionAction::kCreateDevdax);
  REQUIRE(r.slices.size() == 3);
  CHECK(r.slices[0] == SlicePlan{"vm0", Range::FromSize(k4G, kGiB), kGiB});
  CHECK(r.slices[1] == SlicePlan{"vm1", Range::FromSize(k4G + kGiB, kGiB), kGiB});
  CHECK(r.slices[2] == SlicePlan{"log", Range::FromSize(k4G + 2 * kGiB, 126 * kMiB), 2 * kMiB});
  CHECK(Shape(r) == std::vector<std::tuple<u64, u64, bool>>{
                        {0, 1024, true}, {1024, 1024, true}, {2048, 126, true}, {2174, 6 * 1024 - 2174, false}});
  // 31 blocks onlined after the log slice; the 2 MiB before the next block are lost
  CHECK(c.kept == Range::FromSize(k4G, 2 * kGiB + 126 * kMiB));
  CHECK(c.between == 0);
  CHECK(c.onlined == 4 * kGiB - 128 * kMiB);
  CHECK(c.lost == 2 * kMiB);
  CHECK(HmemDevicesOf(r).at(0).align == kGiB);
}

TEST_CASE("hmem slices: an alignment gap gets a device of its own, bound to device_dax, and is counted as lost") {
  Plan plan;
  std::string err;
  REQUIRE(PlanHmemSlices(HmemGeometry(Range::FromSize(k4G, 4 * kGiB)), Specs("log:126M,vm:1G@1G"), &plan, &err));
  const CarvePlan& c = plan.carves.at(0);
  const RegionPlan& r = c.regions.at(0);
  CHECK(Shape(r) == std::vector<std::tuple<u64, u64, bool>>{
                        {0, 126, true}, {126, 1024 - 126, true}, {1024, 1024, true}, {2048, 2048, false}});
  CHECK(c.kept == Range::FromSize(k4G, 2 * kGiB));
  CHECK(c.between == 1024 * kMiB - 126 * kMiB);
  CHECK(c.KeptBytes() == kGiB + 126 * kMiB);
  CHECK(c.onlined == 2 * kGiB);
  CHECK(c.KeptBytes() + c.onlined + c.lost == c.range.size());
}

TEST_CASE("hmem slices: what can't be laid out is one error and no plan") {
  Plan plan;
  std::string err;
  const Geometry g = HmemGeometry(Range::FromSize(k4G, 2 * kGiB));
  CHECK_FALSE(PlanHmemSlices(g, Specs("vm*3:1G@1G"), &plan, &err));
  CHECK(err.find("vm2") != std::string::npos);
  CHECK(plan.carves.empty());
  err.clear();
  CHECK_FALSE(PlanHmemSlices(g, Specs("a:2M@64K"), &plan, &err));
  CHECK(err.find("align 64 KiB") != std::string::npos);
  // 4K is a page: the device gets it, the slice still starts on 2 MiB
  REQUIRE(PlanHmemSlices(g, Specs("a:2M@4K,b:2M@4K"), &plan, &err));
  CHECK(plan.carves.at(0).regions.at(0).slices.at(1).range == Range::FromSize(k4G + 2 * kMiB, 2 * kMiB));
  CHECK(HmemDevicesOf(plan.carves.at(0).regions.at(0)).at(1).align == 4 * kKiB);
}

TEST_CASE("hmem slices: a region with someone's devices is left, and its slices get no device") {
  Geometry g = HmemGeometry(Range::FromSize(k4G, 2 * kGiB));
  // someone's daxctl create-device: not the devices this plan makes
  g.regions[0].devices = {DaxDeviceInfo{"dax0.0", Range::FromSize(k4G, 512 * kMiB), "device_dax"},
                          DaxDeviceInfo{"dax0.1", Range{k4G + 512 * kMiB, 6 * kGiB}, ""}};
  Plan plan;
  std::string err;
  REQUIRE(PlanHmemSlices(g, Specs("vm:1G@1G"), &plan, &err));
  const RegionPlan& r = plan.carves.at(0).regions.at(0);
  CHECK(r.action == RegionAction::kLeave);
  CHECK(r.reason == Reason::kForeignDaxDevices);
  CHECK(r.slices.size() == 1);
  CHECK(plan.carves[0].onlined == 0);
}

TEST_CASE("hmem slices, property: devices tile the region in order, slices exact, never onlined, bytes add up") {
  std::mt19937_64 rng(17);
  const u64 aligns[] = {4 * kKiB, 2 * kMiB, kGiB};
  for (int round = 0; round < 2000; ++round) {
    const u64 start = k4G + (rng() % 512) * 2 * kMiB;
    const u64 size = (1 + rng() % 4096) * 2 * kMiB;
    const u64 block = u64{128} << (rng() % 5) << 20;  // 128 MiB .. 2 GiB
    std::vector<SliceSpec> specs;
    const int n = static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) {
      const u64 align = aligns[rng() % 3];
      specs.push_back(SliceSpec{"s" + std::to_string(i), (1 + rng() % (align == kGiB ? 3 : 300)) * std::max(align, 2 * kMiB), align});
    }
    Plan plan;
    std::string err;
    const Geometry g = HmemGeometry(Range::FromSize(start, size), block);
    if (!PlanHmemSlices(g, specs, &plan, &err)) {
      CHECK_FALSE(err.empty());
      continue;
    }
    const CarvePlan& c = plan.carves.at(0);
    const RegionPlan& r = c.regions.at(0);
    CHECK(c.KeptBytes() + c.onlined + c.lost == c.range.size());
    REQUIRE(r.slices.size() == specs.size());
    u64 held = 0;
    for (size_t i = 0; i < specs.size(); ++i) {
      CHECK(r.slices[i].name == specs[i].name);
      CHECK(r.slices[i].range.size() == specs[i].size);
      CHECK(IsAligned(r.slices[i].range.start, std::max(specs[i].align, 2 * kMiB)));
      CHECK_FALSE(r.slices[i].range.Overlaps(r.online));
      CHECK(c.kept.Contains(r.slices[i].range));
      held += specs[i].size;
    }
    CHECK(c.KeptBytes() == held);
    if (r.action == RegionAction::kLeave) continue;
    // the devices: contiguous from the region start, kept ones first, each slice one device
    u64 at = start;
    size_t slice = 0;
    for (const HmemDeviceSpec& d : HmemDevicesOf(r)) {
      CHECK(d.range.start == at);
      CHECK(IsAligned(d.range.size(), 2 * kMiB));
      at = d.range.end;
      if (slice < r.slices.size() && d.range == r.slices[slice].range) {
        CHECK(d.align == r.slices[slice].align);
        CHECK(d.kept);
        ++slice;
      } else if (!d.kept) {
        CHECK(d.range == r.dax_extent);
      }
    }
    CHECK(slice == r.slices.size());
  }
}

TEST_CASE("legacy slices: a region that is a slice is kept raw, one that holds part of one is left with advice") {
  Geometry g;
  g.block_size = 128 * kMiB;
  // laid out as advised: memmap=1G!4G memmap=1G!5G memmap=2G!6G
  g.regions = {RawRegion("region0", Range::FromSize(k4G, kGiB)), RawRegion("region1", Range::FromSize(5 * kGiB, kGiB)),
               RawRegion("region2", Range::FromSize(6 * kGiB, 2 * kGiB))};
  for (RegionInfo& r : g.regions) r.carve = true, r.namespace_name = "namespace" + r.name.substr(6) + ".0";
  Plan plan;
  std::string err;
  REQUIRE(PlanLegacySlices(g, Specs("vm*2:1G@1G"), &plan, &err));
  const CarvePlan& c = plan.carves.at(0);
  CHECK(c.regions.at(0).action == RegionAction::kKeep);
  CHECK(c.regions.at(0).slices.at(0).name == "vm0");
  CHECK(c.regions.at(1).action == RegionAction::kKeep);
  CHECK(c.regions.at(2).action == RegionAction::kCreateDevdax);
  CHECK(c.kept == Range::FromSize(k4G, 2 * kGiB));
  CHECK(c.advice.empty());
  // one carve of 4 GiB: the slices are not regions of their own
  g.regions = {RawRegion("region0", Range::FromSize(k4G, 4 * kGiB))};
  g.regions[0].carve = true;
  REQUIRE(PlanLegacySlices(g, Specs("vm*2:1G@1G"), &plan, &err));
  const CarvePlan& one = plan.carves.at(0);
  CHECK(one.regions.at(0).action == RegionAction::kLeave);
  CHECK(one.regions.at(0).reason == Reason::kSliceSplit);
  CHECK(one.onlined == 0);
  REQUIRE(one.advice.size() >= 3);
  CHECK(one.advice[0] == Range::FromSize(k4G, kGiB));
  CHECK(one.advice[1] == Range::FromSize(5 * kGiB, kGiB));
  CHECK(one.advice[2].start >= 6 * kGiB);
  CHECK(one.advice.back().end == 8 * kGiB);
}

TEST_CASE("hmem slices at boot: the devices, the record's slices, /dev/pmemreclaim/NAME") {
  HmemWorld w;
  w.nv.hmem_regions[0].range = Range::FromSize(k4G, 4 * kGiB);
  const Outcome o = w.Run("pmemreclaim=hmem pmemreclaim.keep=log:126M,vm*2:1G@1G");
  REQUIRE(o.ok());
  CHECK(w.nv.calls.at(0) == "shape dax0 keep [0x100000000-0x1bfffffff] rest [0x1c0000000-0x1ffffffff] devices 4");
  CHECK(w.nv.calls.at(1) == "online dax0.4 movable");
  REQUIRE(o.regions.size() == 1);
  CHECK(o.regions[0].slice_devices == std::vector<std::string>{"dax0.0", "dax0.2", "dax0.3"});
  CHECK(o.regions[0].kept_device.empty());
  CHECK(w.nv.hmem_aligns["dax0.0"] == 2 * kMiB);
  CHECK(w.nv.hmem_aligns["dax0.1"] == 0);  // the gap: the region's own
  CHECK(w.nv.hmem_aligns["dax0.2"] == kGiB);
  CHECK(w.nv.hmem_devices["dax0.1"] == Range{k4G + 126 * kMiB, 5 * kGiB});
  CHECK(o.kmem_bytes.at(0) == kGiB);
  const std::string record = StateJson(o);
  const auto slices = SliceDevicesInRecord(record);
  CHECK(slices == std::vector<std::pair<std::string, std::string>>{{"log", "dax0.0"}, {"vm0", "dax0.2"}, {"vm1", "dax0.3"}});
  for (const char* dev : {"dax0.0", "dax0.1", "dax0.2", "dax0.3"}) w.sys.files[std::string("/sys/bus/dax/devices/") + dev] = "";
  MakeKeepLinks(w.sys, record);
  CHECK(w.sys.links["/dev/pmemreclaim/log"] == "../dax0.0");
  CHECK(w.sys.links["/dev/pmemreclaim/vm1"] == "../dax0.3");
  CHECK(w.sys.links.count("/dev/pmemreclaim/keep") == 0);
  CHECK(KeepLinksFor(w.sys, record, "dax0.2") == std::vector<std::string>{"pmemreclaim/vm0"});
  CHECK(KeepLinksFor(w.sys, record, "dax0.1").empty());  // the gap: nobody's
  // the same description again (apply on the running system): the same devices, nothing made anew
  const Outcome again = w.Run("pmemreclaim=hmem pmemreclaim.keep=log:126M,vm*2:1G@1G");
  CHECK(again.regions.at(0).slice_devices == o.regions[0].slice_devices);
  CHECK(again.plan->carves.at(0).regions.at(0).action == RegionAction::kReuseDevdax);
}

TEST_CASE("legacy slices at boot: one region holding both is left, not ok, the record says why and which carves") {
  RamdaxWorld w({Range::FromSize(k4G, 4 * kGiB)});
  const Outcome o = w.Run("pmemreclaim=legacy pmemreclaim.keep=vm*2:1G@1G");
  CHECK_FALSE(o.ok());
  CHECK(w.sys.writes.empty());
  for (const std::string& call : w.nv.calls) CHECK(call.rfind("force-raw", 0) == 0);  // the look only
  const auto record = nlohmann::json::parse(StateJson(o));
  const auto& carve = record["carves"].at(0);
  CHECK(record["ok"] == false);
  CHECK(carve["regions"].at(0)["reason"] == "slice-split");
  REQUIRE(carve["slices"].size() == 2);
  CHECK(carve["slices"][1]["name"] == "vm1");
  CHECK(carve["slices"][1]["device"] == "");
  CHECK(carve["slices"][1]["preserved"] == false);
  CHECK(carve["next_boot"].get<std::string>().rfind("memmap=1G!4G memmap=1G!5G memmap=", 0) == 0);
  // laid out as advised: both slices kept raw, each its region's namespace
  RamdaxWorld laid({Range::FromSize(k4G, kGiB), Range::FromSize(5 * kGiB, kGiB), Range::FromSize(6 * kGiB, 2 * kGiB)});
  for (RegionInfo& r : laid.nv.regions) r.namespace_name = "namespace" + r.name.substr(6) + ".0";
  const Outcome ok = laid.Run("pmemreclaim=legacy pmemreclaim.keep=vm*2:1G@1G");
  CHECK(ok.ok());
  CHECK(SliceDevicesInRecord(StateJson(ok)) ==
        std::vector<std::pair<std::string, std::string>>{{"vm0", "namespace0.0"}, {"vm1", "namespace1.0"}});
}

TEST_CASE("auto with named slices: legacy when each is a carve region of its own, else ramdax") {
  // ramdax onlines as much here (ChooseStrategy's tie): auto takes it without slices
  const Range tie = Range::FromSize(k4G + 126 * kMiB, 2 * kGiB + 2 * kMiB + kLabelAreaSize);
  CHECK(RamdaxWorld({tie}).Run("pmemreclaim=auto").strategy == Strategy::kRamdax);
  // a slice that is a region of its own: legacy, though ramdax would tie
  RamdaxWorld own({Range::FromSize(k4G, 2 * kMiB), Range::FromSize(k4G + 2 * kMiB, 2 * kGiB)});
  const Outcome o = own.Run("pmemreclaim=auto pmemreclaim.keep=a:2M");
  CHECK(o.strategy == Strategy::kLegacy);
  CHECK(o.error.empty());
  // slices inside one carve: ramdax
  RamdaxWorld inside({Range::FromSize(k4G, 4 * kGiB)});
  CHECK(inside.Run("pmemreclaim=auto pmemreclaim.keep=vm*2:1G").strategy == Strategy::kRamdax);
}


TEST_CASE("ramdax slices: a devdax namespace per slice with its data exactly on the slice, the rest for kmem") {
  RamdaxBoots b({Range::FromSize(k4G, 4 * kGiB)});
  const Outcome o = b.Boot("pmemreclaim=ramdax pmemreclaim.keep=vm*2:1G,log:126M");
  REQUIRE(o.ok());
  CHECK(b.calls == std::vector<std::string>{
                       "init-labels region0",
                       "namespace region0 pmemreclaim-slice-vm0 1026 MiB align 2 MiB",
                       "create region0 namespace0.0 2 MiB",
                       "namespace region0 pmemreclaim-slice-vm1 1026 MiB align 2 MiB",
                       "create region0 namespace0.1 2 MiB",
                       "namespace region0 pmemreclaim-slice-log 128 MiB align 2 MiB",
                       "create region0 namespace0.2 2 MiB",
                       "namespace region0 pmemreclaim-dax 1914 MiB align 2 MiB",
                       "create region0 namespace0.3 4 KiB",
                       "online region0 namespace0.3 movable",
                   });
  REQUIRE(b.labels.size() == 4);
  CHECK(b.labels[0].dax_data == Range::FromSize(k4G + 2 * kMiB, kGiB));
  CHECK(b.labels[1].dax_data == Range::FromSize(5 * kGiB + 4 * kMiB, kGiB));
  CHECK(b.labels[2].dax_data == Range::FromSize(6 * kGiB + 6 * kMiB, 126 * kMiB));
  CHECK(o.kmem_bytes.at(0) == 13 * 128 * kMiB);
  const auto record = nlohmann::json::parse(StateJson(o));
  CHECK(SliceDevicesInRecord(record.dump()) ==
        std::vector<std::pair<std::string, std::string>>{{"vm0", "dax0.0"}, {"vm1", "dax0.1"}, {"log", "dax0.2"}});
  CHECK(record["carves"][0]["slices"][2]["preserved"] == false);  // made now
  const CarvePlan& c = o.plan->carves.at(0);
  CHECK(c.better == "hmem would lose 2 MiB with these slices: carve memmap=4G%4G-1+0xefffffff nokaslr");
  CHECK(SummaryLine(Arch::kX86_64, c).find("; hmem would lose 2 MiB") != std::string::npos);
  CHECK(c.KeptBytes() == 2 * kGiB + 126 * kMiB);
  CHECK(c.KeptBytes() + c.onlined + c.lost == c.range.size());

  // the next boot: the same namespaces found, nothing made, the same devices, preserved
  const Outcome again = b.Boot("pmemreclaim=ramdax pmemreclaim.keep=vm*2:1G,log:126M");
  REQUIRE(again.ok());
  CHECK(b.calls == std::vector<std::string>{"online region0 namespace0.3 movable"});
  const auto record2 = nlohmann::json::parse(StateJson(again));
  CHECK(SliceDevicesInRecord(record2.dump()) == SliceDevicesInRecord(record.dump()));
  CHECK(record2["carves"][0]["slices"][1]["preserved"] == true);

  // another description: the slices would move, so nothing is written and each slice says so
  const std::vector<NamespaceInfo> before = b.labels;
  const Outcome moved = b.Boot("pmemreclaim=ramdax pmemreclaim.keep=vm*2:1G,log:254M");
  CHECK_FALSE(moved.ok());
  CHECK(b.calls.empty());
  CHECK(b.labels.size() == before.size());
  const auto record3 = nlohmann::json::parse(StateJson(moved));
  CHECK(record3["carves"][0]["regions"][0]["reason"] == "slices-moved");
  CHECK(record3["carves"][0]["slices"][2]["device"] == "");
  CHECK(record3["carves"][0]["slices"][2]["preserved"] == false);
}

TEST_CASE("ramdax slices: a run stopped after a slice's namespace was made claims that namespace next time") {
  RamdaxBoots b({Range::FromSize(k4G, 4 * kGiB)});
  REQUIRE(b.Boot("pmemreclaim=ramdax pmemreclaim.keep=vm*2:1G").ok());
  // as if the claim of vm1 never happened: its namespace raw, the rest namespace gone
  b.labels.resize(2);
  b.labels[1].devdax = false;
  b.labels[1].dax_data = Range{};
  b.labels[1].dax_uuid.clear();
  const Outcome o = b.Boot("pmemreclaim=ramdax pmemreclaim.keep=vm*2:1G");
  REQUIRE(o.ok());
  CHECK(b.calls.at(0) == "create region0 namespace0.1 2 MiB");
  CHECK(b.calls.at(1) == "namespace region0 pmemreclaim-dax 2042 MiB align 2 MiB");
  CHECK(o.regions.at(0).slice_devices == std::vector<std::string>{"dax0.0", "dax0.1"});
}

TEST_CASE("ramdax slices on arm64 16K pages: laid out on the kernel's 32 MiB devdax boundaries, or refused") {
  Geometry g;
  g.arch = Arch::kArm64;
  g.block_size = 512 * kMiB;
  g.dax_align = 32 * kMiB;
  g.page_size = 16 * kKiB;
  RegionInfo r = RamdaxRegionFor("region0", Range::FromSize(k4G, 4 * kGiB));
  r.carve = true;
  g.regions = {r};
  Plan plan;
  std::string err;
  REQUIRE(PlanRamdaxSlices(g, Specs("vm*2:1G"), &plan, &err));
  const RegionPlan& p = plan.carves.at(0).regions.at(0);
  CHECK(p.slices.at(0).range == Range::FromSize(k4G + 32 * kMiB, kGiB));
  CHECK(p.slices.at(0).align == 32 * kMiB);  // 2M, the default, is this kernel's PMD size
  CHECK(DevdaxData(p.slices.at(1).extent, 32 * kMiB) == p.slices.at(1).range);
  CHECK_FALSE(PlanRamdaxSlices(g, Specs("log:126M"), &plan, &err));
  CHECK(err.find("not a multiple of 32 MiB") != std::string::npos);
  CHECK_FALSE(PlanRamdaxSlices(g, Specs("vm:1G@1G"), &plan, &err));
  CHECK(err.find("can't have align 1 GiB") != std::string::npos);
  REQUIRE(PlanRamdaxSlices(g, Specs("vm:1G@16K"), &plan, &err));
  CHECK(plan.carves.at(0).regions.at(0).slices.at(0).align == 16 * kKiB);
}

TEST_CASE("ramdax slices, property: each slice's data is exactly the slice, namespaces tile from the region start") {
  std::mt19937_64 rng(25);
  for (int round = 0; round < 1500; ++round) {
    Geometry g;
    g.block_size = u64{128} << (rng() % 4) << 20;
    const Range region = Range::FromSize(k4G + (rng() % 64) * 2 * kMiB, (1 + rng() % 2048) * 2 * kMiB);
    RegionInfo r = RamdaxRegionFor("region0", Range{region.start, region.end + kLabelAreaSize});
    r.carve = true;
    g.regions = {r};
    std::vector<SliceSpec> specs;
    for (int i = 0, n = static_cast<int>(rng() % 5); i < n; ++i) {
      specs.push_back(SliceSpec{"s" + std::to_string(i), (1 + rng() % 200) * 2 * kMiB, 2 * kMiB});
    }
    Plan plan;
    std::string err;
    if (!PlanRamdaxSlices(g, specs, &plan, &err)) continue;
    const CarvePlan& c = plan.carves.at(0);
    CHECK(c.KeptBytes() + c.onlined + c.lost == c.range.size());
    const RegionPlan& p = c.regions.at(0);
    u64 at = r.range.start;
    for (const SlicePlan& sl : p.slices) {
      CHECK(sl.extent.start == at);
      CHECK(DevdaxData(sl.extent, std::max(sl.align, g.dax_align)) == sl.range);  // where the kernel puts the data
      CHECK_FALSE(sl.range.Overlaps(p.online));
      at = sl.extent.end;
    }
    if (!p.dax_extent.empty()) CHECK(p.dax_extent.start == at);
  }
}
