// SPDX-License-Identifier: GPL-2.0-or-later
#include "metrics.h"

#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "fakes_test.h"
#include "handoff.h"
#include "plan.h"
#include "reason.h"
#include "version.h"

using namespace pmemreclaim;

namespace {

constexpr u64 k4G = 4 * kGiB;

// The samples of a text, "name{labels}" -> value; and the checks of the format a scraper relies on: every
// line a comment or a sample, a family's HELP and TYPE before its samples, each family's samples together.
std::map<std::string, std::string> Samples(const std::string& text) {
  static const std::regex kSample(R"(([a-z_]+)(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? ([0-9]+))");
  static const std::regex kComment(R"(# (HELP|TYPE) ([a-z_]+) .+)");
  std::map<std::string, std::string> out;
  std::set<std::string> done;
  std::string current;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    INFO(line);
    if (std::regex_match(line, m, kComment)) {
      if (m[2] != current) {
        CHECK(done.count(m[2]) == 0);  // a family once
        if (!current.empty()) done.insert(current);
        current = m[2];
      }
      continue;
    }
    REQUIRE(std::regex_match(line, m, kSample));
    CHECK(m[1] == current);  // under its own HELP/TYPE
    const size_t space = line.rfind(' ');
    CHECK(out.emplace(line.substr(0, space), line.substr(space + 1)).second);  // no sample twice
  }
  return out;
}

StatusView ViewWith(const std::string& record) {
  StatusView v;
  v.block_size = 128 * kMiB;
  v.carves = {{"region0", Range::FromSize(k4G, 2 * kGiB), "legacy", "devdax", 1920 * kMiB}};
  v.record = record;
  return v;
}

}  // namespace

TEST_CASE("metrics: a ramdax record with a kept range, every number from the record and the view") {
  RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
  const Outcome o = w.Run("pmemreclaim=ramdax pmemreclaim.keep=126M");
  REQUIRE(o.ok());
  REQUIRE(o.plan);
  const CarvePlan& c = o.plan->carves.at(0);
  const auto s = Samples(PrometheusText(ViewWith(StateJson(o))));
  const std::string carve = "{carve=\"0x100000000-0x17fffffff\"}";
  CHECK(s.at("pmemreclaim_record") == "1");
  CHECK(s.at("pmemreclaim_ok") == "1");
  CHECK(s.at(std::string("pmemreclaim_info{version=\"") + Version() + "\",strategy=\"ramdax\"}") == "1");
  CHECK(s.at("pmemreclaim_carve_bytes" + carve) == std::to_string(2 * kGiB));
  CHECK(s.at("pmemreclaim_carve_onlined_bytes" + carve) == std::to_string(o.kmem_bytes.at(0)));
  CHECK(s.at("pmemreclaim_carve_kept_bytes" + carve) == std::to_string(c.kept.size()));
  CHECK(s.at("pmemreclaim_carve_lost_bytes" + carve) ==
        std::to_string(2 * kGiB - c.kept.size() - o.kmem_bytes.at(0)));
  CHECK(s.at("pmemreclaim_carve_preserved" + carve) == "0");  // made in this boot
  CHECK(s.at("pmemreclaim_carve_errors" + carve) == "0");
  // one region_info per planned region, with its action and reason names
  size_t regions = 0;
  for (const auto& [k, v] : s) {
    if (k.rfind("pmemreclaim_region_info{", 0) == 0) {
      ++regions;
      CHECK(v == "1");
    }
  }
  CHECK(regions == c.regions.size());
  for (const RegionPlan& r : c.regions) {
    const std::string key = "pmemreclaim_region_info{carve=\"0x100000000-0x17fffffff\",region=\"" + r.region.name +
                            "\",range=\"" + Hex(r.region.range.start) + "-" + Hex(r.region.range.end - 1) +
                            "\",action=\"" + RegionActionName(r.action) + "\",reason=\"" +
                            ReasonName(r.reason) + "\"}";
    CHECK(s.count(key) == 1);
  }
  CHECK(s.at("pmemreclaim_memory_block_bytes") == std::to_string(128 * kMiB));
  CHECK(s.at("pmemreclaim_region_kmem_online_bytes{region=\"region0\",range=\"0x100000000-0x17fffffff\","
             "strategy=\"legacy\",state=\"devdax\"}") == std::to_string(1920 * kMiB));
  CHECK(s.at("pmemreclaim_image_lacks_pmemreclaim") == "0");
  CHECK(s.at("pmemreclaim_kexec_hazards") == "0");
  // the second boot finds the layout: preserved
  const auto again = Samples(PrometheusText(ViewWith(StateJson(w.Run("pmemreclaim=ramdax pmemreclaim.keep=126M")))));
  CHECK(again.at("pmemreclaim_carve_preserved" + carve) == "1");
}

TEST_CASE("metrics: an hmem record (preserved unknown: no sample), a failed run, no record, a broken one") {
  HmemWorld w;
  const auto hmem = Samples(PrometheusText(ViewWith(StateJson(w.Run("pmemreclaim=hmem pmemreclaim.keep=100M")))));
  for (const auto& [k, v] : hmem) CHECK(k.rfind("pmemreclaim_carve_preserved", 0) != 0);
  CHECK(hmem.at(std::string("pmemreclaim_info{version=\"") + Version() + "\",strategy=\"hmem\"}") == "1");

  const auto failed = Samples(PrometheusText(ViewWith(FailedStateJson("the worker did not end"))));
  CHECK(failed.at("pmemreclaim_record") == "1");
  CHECK(failed.at("pmemreclaim_ok") == "0");

  StatusView none = ViewWith("");
  none.record.reset();
  none.image_lacks_pmemreclaim = true;
  none.kexec_hazards = {"a", "b"};
  const auto n = Samples(PrometheusText(none));
  CHECK(n.at("pmemreclaim_record") == "0");
  CHECK(n.count("pmemreclaim_ok") == 0);
  CHECK(n.at("pmemreclaim_image_lacks_pmemreclaim") == "1");
  CHECK(n.at("pmemreclaim_kexec_hazards") == "2");

  const auto broken = Samples(PrometheusText(ViewWith("{\"version\":1,\"carves\":[")));
  CHECK(broken.at("pmemreclaim_record") == "0");
  CHECK(broken.count("pmemreclaim_ok") == 0);
}

TEST_CASE("metrics: label values escaped (backslash, quote, newline)") {
  StatusView v = ViewWith("{\"skipped\":[{\"name\":\"a\\\"b\\\\c\\nd\",\"bus\":\"ACPI.NFIT\",\"reason\":\"not-a-carve\","
                          "\"range\":{\"start\":0,\"size\":4096}}]}");
  const auto s = Samples(PrometheusText(v));
  CHECK(s.at("pmemreclaim_skipped_region_info{region=\"a\\\"b\\\\c\\nd\",range=\"0x0-0xfff\",bus=\"ACPI.NFIT\","
             "reason=\"not-a-carve\"}") == "1");
}
