// SPDX-License-Identifier: GPL-2.0-or-later
// The handoff record, from runs of the driver on fake kernels.
#include "handoff.h"
#include "version.h"

#include <catch2/catch.hpp>

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
        std::string("{\"version\":1,\"pmemreclaim_version\":\"") + Version() + "\",\"strategy\":\"off\",\"ok\":false,\"error\":\"the worker was killed by signal 9\",\"carves\":[]}");
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
