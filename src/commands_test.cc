// SPDX-License-Identifier: GPL-2.0-or-later
// The command line through RunCommand, as main() runs it, on fake systems.
#include "commands.h"
#include "handoff.h"
#include "version.h"

#include <nlohmann/json.hpp>
#include <regex>

#include <catch2/catch.hpp>

#include "fakes_test.h"

using namespace pmemreclaim;

namespace {

constexpr u64 k4G = 4 * kGiB;

struct Run {
  int rc;
  std::string out, err;
};

std::function<void(const Options&)> g_boot_job = [](const Options&) {};

Run Invoke(SystemInterface& sys, FakeNvdimm* nv, std::vector<std::string> argv) {
  // nv == nullptr: a machine whose libndctl can't start
  FakeSystem elsewhere;
  FakeNvdimm none(&elsewhere);
  none.rescan_error = "no libndctl here";
  CommandEnv env{sys, nv != nullptr ? *nv : none, [] {}, g_boot_job, "", ""};
  const int rc = RunCommand(argv, env);
  return Run{rc, env.out, env.err};
}

// `key` of every carve of plan --json or apply --json, summed.
u64 SumOf(const std::string& json, const std::string& key) {
  const nlohmann::json parsed = nlohmann::json::parse(json);  // (not a temporary: the loop keeps a reference)
  u64 sum = 0;
  for (const nlohmann::json& c : parsed.at("carves")) sum += c.at(key).get<u64>();
  return sum;
}

std::string StrategyIn(const std::string& json) { return nlohmann::json::parse(json).at("strategy"); }

}  // namespace

TEST_CASE("--help and COMMAND --help: usage on stdout, status 0; every command listed") {
  FakeSystem sys;
  for (const char* help : {"--help", "-h", "help"}) {
    const Run r = Invoke(sys, nullptr, {help});
    CHECK(r.rc == 0);
    CHECK(r.out.rfind("usage: pmemreclaim COMMAND", 0) == 0);
    CHECK(r.err.empty());
    for (const Command& c : Commands()) CHECK(r.out.find(std::string("\n  ") + c.name + " ") != std::string::npos);
  }
  for (const Command& c : Commands()) {
    const Run r = Invoke(sys, nullptr, {c.name, "--keep=1G", "--help"});
    CHECK(r.rc == 0);
    CHECK(r.out.rfind(std::string("usage: pmemreclaim ") + c.name, 0) == 0);
    CHECK(sys.loaded.empty());  // --help runs nothing
  }
}

TEST_CASE("--version and version print the project version") {
  FakeSystem sys;
  for (const char* v : {"--version", "version"}) {
    const Run r = Invoke(sys, nullptr, {v});
    CHECK(r.rc == 0);
    CHECK(r.out == std::string("pmemreclaim ") + Version() + "\n");
    CHECK(std::regex_match(std::string(Version()), std::regex("[0-9]+\\.[0-9]+\\.[0-9]+")));
  }
}

TEST_CASE("no command, an unknown command or argument: status 2, the reason and usage on stderr") {
  FakeSystem sys;
  Run r = Invoke(sys, nullptr, {});
  CHECK(r.rc == 2);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("usage: pmemreclaim", 0) == 0);
  r = Invoke(sys, nullptr, {"reclaim"});
  CHECK(r.rc == 2);
  CHECK(r.err.rfind("pmemreclaim: unknown command reclaim\nusage:", 0) == 0);
  for (const char* cmd : {"apply", "plan", "status", "release", "modules"}) {
    r = Invoke(sys, nullptr, {cmd, "--frobnicate"});
    CHECK(r.rc == 2);
    CHECK(r.err.find("unknown argument --frobnicate") != std::string::npos);
  }
  r = Invoke(sys, nullptr, {"apply", "--keep=lots"});
  CHECK(r.rc == 2);
  CHECK(r.err.find("keep") != std::string::npos);
  CHECK(sys.loaded.empty());
}

TEST_CASE("command options: flags replace the kernel's keys, auto when nothing names a strategy") {
  Options o;
  bool json = false;
  std::string err;
  REQUIRE(CommandOptions({"--keep=64M"}, "quiet pmemreclaim=ramdax pmemreclaim.keep=1G pmemreclaim.zone=normal", &o,
                         &json, &err));
  CHECK(o.strategy == Strategy::kRamdax);
  CHECK(o.keep == 64 * kMiB);
  CHECK(o.zone == Zone::kNormal);
  CHECK_FALSE(json);
  REQUIRE(CommandOptions({"--json", "--dry-run"}, "root=/dev/vda", &o, &json, &err));
  CHECK(o.strategy == Strategy::kAuto);
  CHECK(o.dry_run);
  CHECK(json);
  REQUIRE(CommandOptions({"--strategy=off"}, "pmemreclaim=legacy", &o, &json, &err));
  CHECK(o.strategy == Strategy::kOff);
  CHECK_FALSE(CommandOptions({"--zone=fast"}, "", &o, &json, &err));
  CHECK(err.find("zone") != std::string::npos);
  REQUIRE(CommandOptions({"--memmap-on-memory=off"}, "pmemreclaim=legacy pmemreclaim.memmap_on_memory=on", &o, &json,
                         &err));
  CHECK(o.memmap_on_memory == MemmapOnMemory::kOff);
  REQUIRE(CommandOptions({}, "pmemreclaim=legacy pmemreclaim.memmap_on_memory=on", &o, &json, &err));
  CHECK(o.memmap_on_memory == MemmapOnMemory::kOn);
  CHECK_FALSE(CommandOptions({"--memmap-on-memory=yes"}, "", &o, &json, &err));
  CHECK(err.find("memmap_on_memory") != std::string::npos);
}

TEST_CASE("command options: a blank or a quote in a flag's value is a usage error, not another option") {
  for (const std::string& bad : {std::string("--keep=0 pmemreclaim=legacy"), std::string("--keep=0\"pmemreclaim=legacy"),
                                 std::string("--zone=normal\tpmemreclaim.dry_run=0"), std::string("--strategy='legacy'")}) {
    Options o;
    bool json = false;
    std::string err;
    CHECK_FALSE(CommandOptions({bad}, "pmemreclaim=ramdax", &o, &json, &err));
    CHECK(err.find("blanks and quotes") != std::string::npos);
  }
  // elfcorehdr= from the kernel's command line comes along: apply in a capture kernel changes nothing
  Options o;
  bool json = false;
  std::string err;
  REQUIRE(CommandOptions({"--strategy=legacy"}, "elfcorehdr=0x1f000000 memmap=2G!4G", &o, &json, &err));
  CHECK(o.capture_kernel);
}

TEST_CASE("modules: the one list, per architecture") {
  FakeSystem sys;
  Run r = Invoke(sys, nullptr, {"modules"});
  CHECK(r.rc == 0);
  CHECK(r.out.rfind("nd_e820\nnd_pmem\ndax_pmem\ndevice_dax\nkmem\nramdax\ndax_hmem\n", 0) == 0);
  r = Invoke(sys, nullptr, {"modules", "--arch=arm64"});
  CHECK(r.out.rfind("of_pmem\n", 0) == 0);
  CHECK(r.out.find("nd_e820") == std::string::npos);
  CHECK(sys.loaded.empty());
}

TEST_CASE("plan on a running system says what apply then does: same strategy, same bytes") {
  struct Case {
    const char* keep;
    const char* strategy;
    u64 onlined;
  };
  // keep 0: legacy 1920 MiB beats ramdax; keep 126M: legacy onlines nothing, ramdax 1792 MiB.
  for (const Case& c : {Case{"--keep=0", "legacy", 1920 * kMiB}, Case{"--keep=126M", "ramdax", 1792 * kMiB}}) {
    RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
    const Run plan = Invoke(w.sys, &w.nv, {"plan", "--json", c.keep});
    CHECK(plan.rc == 0);
    CHECK(StrategyIn(plan.out) == c.strategy);
    CHECK(SumOf(plan.out, "onlined") == c.onlined);
    CHECK_FALSE(w.Wrote(kE820Dev + "/driver_override", "ramdax"));  // plan binds nothing
    const Run apply = Invoke(w.sys, &w.nv, {"apply", "--json", c.keep});
    CHECK(apply.rc == 0);
    CHECK(StrategyIn(apply.out) == c.strategy);
    CHECK(SumOf(apply.out, "kmem_online") == c.onlined);
    CHECK(apply.out.find("\"ok\":true") != std::string::npos);
  }
}

TEST_CASE("plan and apply on soft-reserved memory: hmem both times") {
  HmemWorld w;
  FakeSystem& sys = w.sys;
  FakeNvdimm& nv = w.nv;
  sys.files["/sys/bus/platform/devices/hmem.0"] = "";  // what auto looks for
  sys.available_modules.insert("ramdax");               // a 7.x kernel: auto must still pick hmem
  const Run plan = Invoke(sys, &nv, {"plan", "--json", "--keep=256M"});
  CHECK(StrategyIn(plan.out) == "hmem");
  CHECK(SumOf(plan.out, "onlined") == 1792 * kMiB);
  CHECK(nv.calls.empty());
  const Run apply = Invoke(sys, &nv, {"apply", "--json", "--keep=256M"});
  CHECK(apply.rc == 0);
  CHECK(StrategyIn(apply.out) == "hmem");
  CHECK(SumOf(apply.out, "kmem_online") == 1792 * kMiB);
}

TEST_CASE("plan and apply with named slices agree: the same slices where the boot puts them, the same bytes") {
  HmemWorld w;
  w.sys.files["/sys/bus/platform/devices/hmem.0"] = "";
  const Run plan = Invoke(w.sys, &w.nv, {"plan", "--json", "--keep=vm:1G@1G,log:126M"});
  CHECK(plan.rc == 0);
  CHECK(w.nv.calls.empty());
  const auto p = nlohmann::json::parse(plan.out);
  REQUIRE(p["carves"].at(0)["slices"].size() == 2);
  CHECK(p["carves"][0]["slices"][1]["name"] == "log");
  CHECK(p["carves"][0]["slices"][1]["range"]["start"] == 5 * kGiB);
  const Run apply = Invoke(w.sys, &w.nv, {"apply", "--json", "--keep=vm:1G@1G,log:126M"});
  CHECK(apply.rc == 0);
  CHECK(SumOf(apply.out, "kmem_online") == SumOf(plan.out, "onlined"));
  CHECK(SumOf(plan.out, "onlined") == 7 * 128 * kMiB);
  const auto record = nlohmann::json::parse(*w.sys.ReadFile(kStatePath));
  CHECK(record["carves"][0]["slices"][1]["range"] == p["carves"][0]["slices"][1]["range"]);
  CHECK(record["carves"][0]["slices"][1]["device"] == "dax0.1");
  // a description that does not fit: one error, nothing touched
  HmemWorld small;
  small.sys.files["/sys/bus/platform/devices/hmem.0"] = "";
  const Run bad = Invoke(small.sys, &small.nv, {"apply", "--json", "--keep=vm*3:1G@1G"});
  CHECK(bad.rc == 1);
  CHECK(bad.out.find("slice vm2 (1 GiB at 1 GiB) does not fit") != std::string::npos);
  CHECK(small.nv.calls.empty());
}

TEST_CASE("apply's exit status: 1 when a region fails or nothing could be done, 0 when there is nothing to do") {
  {
    RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
    w.sys.available_modules.erase("ramdax");
    const Run r = Invoke(w.sys, &w.nv, {"apply", "--json", "--strategy=ramdax"});
    CHECK(r.rc == 1);
    CHECK(r.out.find("\"error\":\"this kernel has no ramdax driver") != std::string::npos);
  }
  {
    RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
    w.nv.fail_create = {"region0"};
    const Run r = Invoke(w.sys, &w.nv, {"apply", "--strategy=legacy"});
    CHECK(r.rc == 1);
  }
  {
    RamdaxWorld w({});
    const Run r = Invoke(w.sys, &w.nv, {"apply", "--json", "--strategy=legacy"});
    CHECK(r.rc == 0);
    CHECK(r.out.find("\"touched\":false") != std::string::npos);
  }
}

TEST_CASE("boot: no pmemreclaim= option runs no job; with one, the job gets the kernel's options") {
  FakeSystem sys;
  std::vector<Options> jobs;
  g_boot_job = [&jobs](const Options& o) { jobs.push_back(o); };
  sys.files["/proc/cmdline"] = "root=/dev/vda quiet\n";
  CHECK(Invoke(sys, nullptr, {"boot"}).rc == 0);
  CHECK(jobs.empty());
  sys.files["/proc/cmdline"] = "root=/dev/vda pmemreclaim=legacy pmemreclaim.keep=1G\n";
  CHECK(Invoke(sys, nullptr, {"boot"}).rc == 0);
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].strategy == Strategy::kLegacy);
  CHECK(jobs[0].keep == kGiB);
  g_boot_job = [](const Options&) {};
}

TEST_CASE("status --json: each strategy's carve regions with their kmem, and this boot's handoff record") {
  RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
  REQUIRE(Invoke(w.sys, &w.nv, {"apply", "--strategy=legacy"}).rc == 0);
  w.sys.files["/run/pmemreclaim/state.json"] = "{\"version\":1,\"carves\":[]}\n";
  const Run r = Invoke(w.sys, &w.nv, {"status", "--json"});
  CHECK(r.rc == 0);
  CHECK(r.out.rfind("{\"version\":1,\"record\":{\"version\":1,\"carves\":[]},\"block_size\":134217728,\"regions\":[", 0) == 0);
  CHECK(r.out.find("\"strategy\":\"legacy\",\"state\":\"devdax\",\"kmem_online\":2013265920") != std::string::npos);
  w.sys.files.erase("/run/pmemreclaim/state.json");
  const Run text = Invoke(w.sys, &w.nv, {"status"});
  CHECK(text.out.find("legacy devdax, kmem online 1920 MiB") != std::string::npos);
  CHECK(Invoke(w.sys, &w.nv, {"status", "--json"}).out.find("\"record\":null") != std::string::npos);
}

TEST_CASE("status: asked for on the command line but no handoff record: the image lacks pmemreclaim") {
  RamdaxWorld w({Range::FromSize(k4G, 2 * kGiB)});
  for (bool asked : {false, true}) {
    for (bool record : {false, true}) {
      INFO("asked " << asked << ", record " << record);
      w.sys.files["/proc/cmdline"] = std::string("root=/dev/vda memmap=2G!4G") + (asked ? " pmemreclaim=auto" : "") + "\n";
      w.sys.files.erase("/run/pmemreclaim/state.json");
      if (record) w.sys.files["/run/pmemreclaim/state.json"] = "{\"version\":1,\"carves\":[]}\n";
      const bool lacks = asked && !record;
      const Run json = Invoke(w.sys, &w.nv, {"status", "--json"});
      CHECK(json.rc == 0);
      CHECK(json.out.find(std::string("\"image_lacks_pmemreclaim\":") + (lacks ? "true}" : "false}")) !=
            std::string::npos);
      const Run text = Invoke(w.sys, &w.nv, {"status"});
      CHECK((text.out.find("warning: the kernel command line asks for pmemreclaim") != std::string::npos) == lacks);
    }
  }
}
