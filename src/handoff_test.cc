// SPDX-License-Identifier: GPL-2.0-or-later
// The handoff record, from runs of the driver on fake kernels.
#include "handoff.h"
#include "version.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "boot.h"
#include "fakes_test.h"
#include "keep_links.h"

using namespace pmemreclaim;

namespace {

constexpr u64 k4G = 4 * kGiB;

bool Has(const std::string& json, const std::string& part) { return json.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("handoff record, legacy: layout made on the first boot, found on the second") {
  RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
  const std::string first = StateJson(w.Run("pmemreclaim=legacy"));
  CHECK(first.rfind(std::string("{\"version\":1,\"pmemreclaim_version\":\"") + Version() +
                        "\",\"strategy\":\"legacy\",\"ok\":true,\"error\":\"\",\"carves\":[",
                    0) == 0);
  CHECK(Has(first, "\"range\":{\"start\":4294967296,\"size\":2147483648}"));
  CHECK(Has(first, "\"onlined\":2013265920,\"lost\":134217728,\"preserved\":false"));
  const std::string second = StateJson(w.Run("pmemreclaim=legacy"));
  CHECK(Has(second, "\"preserved\":true"));
}

TEST_CASE("handoff record, ramdax: the kept namespace named; preserved false, then true, false again on a cold boot") {
  RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
  const std::string first = StateJson(w.Run("pmemreclaim=ramdax pmemreclaim.keep=126M"));
  CHECK(Has(first, "\"strategy\":\"ramdax\",\"kept\":{\"start\":4294967296,\"size\":132120576}"));
  CHECK(Has(first, "\"kept_devices\":[\"namespace0.0\"]"));
  CHECK(Has(first, "\"onlined\":1879048192"));
  CHECK(Has(first, "\"preserved\":false"));
  const std::string second = StateJson(w.Run("pmemreclaim=ramdax pmemreclaim.keep=126M"));
  CHECK(Has(second, "\"kept_devices\":[\"namespace0.0\"]"));
  CHECK(Has(second, "\"preserved\":true"));
  RamdaxWorld cold({Range::FromSize(k4G, 2 * kGiB)});  // the RAM lost: no labels
  CHECK(Has(StateJson(cold.Run("pmemreclaim=ramdax pmemreclaim.keep=126M")), "\"preserved\":false"));
}

TEST_CASE("handoff record, hmem: the kept dax device named, preserved unknown") {
  HmemWorld w;
  const std::string json = StateJson(w.Run("pmemreclaim=hmem pmemreclaim.keep=100M"));
  CHECK(Has(json, "\"kept_devices\":[\"dax0.0\"]"));
  CHECK(Has(json, "\"preserved\":null"));
  // the device it gave to kmem, for `release`
  CHECK(OnlineDevicesInRecord(json) == std::vector<std::string>{"dax0.1"});
}

TEST_CASE("handoff record: errors, and a run that never planned") {
  RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
  w.nv.fail_create = {"region0"};
  const std::string failed = StateJson(w.Run("pmemreclaim=legacy"));
  CHECK(Has(failed, "\"ok\":false"));
  CHECK(Has(failed, "\"errors\":[\"region0: could not create devdax"));
  RamdaxWorld none({Range::FromSize(k4G, 2 * kGiB)});
  none.sys.available_modules.erase("ramdax");
  const std::string refused = StateJson(none.Run("pmemreclaim=ramdax"));
  CHECK(Has(refused, "\"ok\":false,\"error\":\"this kernel has no ramdax driver"));
  CHECK(Has(refused, "\"carves\":[]"));
  CHECK(FailedStateJson("the worker was killed by signal 9") ==
        std::string("{\"version\":1,\"pmemreclaim_version\":\"") + Version() + "\",\"strategy\":\"off\",\"ok\":false,\"error\":\"the worker was killed by signal 9\",\"carves\":[],\"skipped\":[]}");
}

TEST_CASE("handoff record: each region's action and reason, the blocks left offline, the regions that are not carves") {
  using nlohmann::json;
  RamdaxWorld w({Range::FromSize(k4G, kGiB), Range::FromSize(k4G + 2 * kGiB, kGiB)});
  // the second carve holds ndctl's devdax (not ours); an NVDIMM of the NFIT beside the carves
  RegionInfo& ndctl = w.nv.regions.at(1);
  ndctl.state = RegionState::kDevdax;
  ndctl.dax_uuid = "6b1c3c0e-0d4a-4a6e-9a57-0f0d4b2f5e11";
  ndctl.dax_data = Range{ndctl.range.start + 2 * kMiB, ndctl.range.end};
  RegionInfo nfit = RawRegion("region2", Range::FromSize(0x240000000, 512 * kMiB));
  nfit.bus_device = "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0";
  nfit.provider = "ACPI.NFIT";
  w.nv.regions.push_back(nfit);
  // the kernel refuses to online memory37 (the first carve onlines memory33-39)
  w.sys.write_errors["/sys/devices/system/memory/memory37/state"] = "Device or resource busy";
  const json record = json::parse(StateJson(w.Run("pmemreclaim=legacy")));
  REQUIRE(record["carves"].size() == 2);
  const json& made = record["carves"][0]["regions"];
  REQUIRE(made.size() == 1);
  CHECK(made[0]["name"] == "region0");
  CHECK(made[0]["range"] == json{{"start", k4G}, {"size", kGiB}});
  CHECK(made[0]["action"] == "create-devdax");
  CHECK(made[0]["reason"] == "failed");  // one block stayed offline
  CHECK(made[0]["blocks_onlined"] == 6);
  REQUIRE(made[0]["blocks_offline"].size() == 1);
  CHECK(made[0]["blocks_offline"][0]["block"] == 37);
  CHECK_THAT(made[0]["blocks_offline"][0]["error"].get<std::string>(), Catch::Contains("Device or resource busy"));
  const json& left = record["carves"][1]["regions"][0];
  CHECK(left["name"] == "region1");
  CHECK(left["action"] == "leave");
  CHECK(left["reason"] == "foreign-info-block");
  CHECK(left["blocks_onlined"] == 0);
  CHECK(left["blocks_offline"].empty());
  CHECK(record["skipped"] ==
        json::parse(R"([{"name":"region2","range":{"start":9663676416,"size":536870912},"bus":"ACPI.NFIT",)"
                    R"("reason":"not-a-carve"}])"));
  // ramdax: the regions that are not carves are the look's (the ramdax bus has only carves)
  RamdaxWorld moved({Range::FromSize(k4G, 2 * kGiB)});
  moved.nv.regions.push_back(nfit);
  const json ramdax = json::parse(StateJson(moved.Run("pmemreclaim=ramdax pmemreclaim.keep=126M")));
  CHECK(ramdax["strategy"] == "ramdax");
  CHECK(ramdax["skipped"] == record["skipped"]);
  CHECK(ramdax["carves"][0]["regions"][0]["action"] == "create-devdax");
  CHECK(ramdax["carves"][0]["regions"][0]["reason"] == "");
  // a dry run (apply --dry-run, plan): the plan's reasons, nothing onlined
  RamdaxWorld dry({Range::FromSize(k4G, kGiB)});
  const json planned = json::parse(OutcomeJson(dry.Run("pmemreclaim=legacy pmemreclaim.keep=1G pmemreclaim.dry_run")));
  CHECK(planned["carves"][0]["regions"][0]["action"] == "keep");
  CHECK(planned["carves"][0]["regions"][0]["reason"] == "kept");
}

TEST_CASE("the record is written to /run/pmemreclaim/state.json; a failed write is a warning") {
  FakeSystem sys;
  SetLogSink(Quiet);
  WriteHandoffRecord(sys, "{\"version\":1}");
  CHECK(sys.files[kStatePath] == "{\"version\":1}\n");
  sys.write_errors[kStatePath] = "Read-only file system";
  WriteHandoffRecord(sys, "{}");
  CHECK(sys.files[kStatePath] == "{\"version\":1}\n");
  SetLogSink(nullptr);
}

TEST_CASE("keep links: from the record's kept devices, in its order; keep only when there is one") {
  const std::string one = "{\"carves\":[{\"kept_devices\":[\"namespace1.0\"]}]}";
  const std::string two = "{\"carves\":[{\"kept_devices\":[\"dax0.0\"]},{\"kept_devices\":[]},{\"kept_devices\":[\"dax1.0\"]}]}";
  CHECK(KeptDevicesInRecord(one) == std::vector<std::string>{"namespace1.0"});
  CHECK(KeptDevicesInRecord(two) == std::vector<std::string>{"dax0.0", "dax1.0"});
  CHECK(KeptDevicesInRecord("").empty());
  CHECK(KeptDevicesInRecord("{\"kept_devices\":[\"trunc").empty());
  CHECK(KeepLinkNames(0, 1) == std::vector<std::string>{"pmemreclaim/keep0", "pmemreclaim/keep"});
  CHECK(KeepLinkNames(1, 2) == std::vector<std::string>{"pmemreclaim/keep1"});
  FakeSystem sys;
  SetLogSink(Quiet);
  sys.files["/sys/bus/nd/devices/namespace1.0/block/pmem3/dev"] = "259:3\n";
  sys.links["/sys/class/block/pmem3/device"] = "../../../namespace1.0";
  MakeKeepLinks(sys, one);
  CHECK(sys.links["/dev/pmemreclaim/keep0"] == "../pmem3");
  CHECK(sys.links["/dev/pmemreclaim/keep"] == "../pmem3");
  CHECK(KeepLinksFor(sys, one, "pmem3") == std::vector<std::string>{"pmemreclaim/keep0", "pmemreclaim/keep"});
  CHECK(KeepLinksFor(sys, one, "pmem0").empty());
  sys.files["/sys/bus/dax/devices/dax1.0"] = "";
  MakeKeepLinks(sys, two);  // dax0.0 is not there: a line, no link
  CHECK(sys.links.count("/dev/pmemreclaim/keep1") == 1);
  CHECK(sys.links["/dev/pmemreclaim/keep1"] == "../dax1.0");
  CHECK(KeepLinksFor(sys, two, "dax0.0") == std::vector<std::string>{"pmemreclaim/keep0"});
  SetLogSink(nullptr);
}
