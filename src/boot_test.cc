#include "boot.h"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <stdexcept>

#include "fakes_test.h"

using namespace pmemreclaim;

TEST_CASE("init candidates: the requested one, then /init, then /sbin/init") {
  CHECK(InitCandidates("") == std::vector<std::string>{"/init", "/sbin/init"});
  CHECK(InitCandidates("/usr/lib/systemd/systemd") ==
        std::vector<std::string>{"/usr/lib/systemd/systemd", "/init", "/sbin/init"});
  CHECK(InitCandidates("/sbin/init") == std::vector<std::string>{"/sbin/init", "/init"});
}

TEST_CASE("the bounded worker: success, failure, crash, exception, hang") {
  CHECK(RunBounded([] { return 0; }, 5).empty());
  CHECK(RunBounded([] { return 3; }, 5).find("status 3") != std::string::npos);
  CHECK(RunBounded([]() -> int { raise(SIGSEGV); return 0; }, 5).find("signal 11") != std::string::npos);
  CHECK(RunBounded([]() -> int { throw std::runtime_error("boom"); }, 5).find("status 1") != std::string::npos);
  const std::string hang = RunBounded([] { for (;;) pause(); return 0; }, 1);
  CHECK(hang.find("timed out after 1 s") != std::string::npos);
}

TEST_CASE("an init that is pmemreclaim itself is skipped, the others keep their order") {
  const auto is_self = [](const std::string& p) { return p == "/init"; };
  CHECK(WithoutSelf(InitCandidates("/sbin/pmemreclaim"), [](const std::string& p) { return p == "/sbin/pmemreclaim"; }) ==
        std::vector<std::string>{"/init", "/sbin/init"});
  CHECK(WithoutSelf(InitCandidates(""), is_self) == std::vector<std::string>{"/sbin/init"});
  CHECK(WithoutSelf(InitCandidates(""), [](const std::string&) { return true; }).empty());
  CHECK(WithoutSelf(InitCandidates(""), [](const std::string&) { return false; }) == InitCandidates(""));
}

TEST_CASE("after a failed worker PID 1 puts the auto-online policy back") {
  FakeSystem sys;
  const std::string path = "/sys/devices/system/memory/auto_online_blocks";
  sys.files[path] = "offline\n";  // the worker held it and died
  const std::string line = RestoreAfterWorker(sys, std::string("online\n"));
  CHECK(sys.files[path] == "online\n");
  CHECK(line.find("put back online") != std::string::npos);

  FakeSystem same;
  same.files[path] = "online\n";
  CHECK(RestoreAfterWorker(same, std::string("online\n")).empty());
  CHECK(same.writes.empty());
  CHECK(RestoreAfterWorker(same, std::nullopt).empty());

  FakeSystem refused;
  refused.files[path] = "offline\n";
  refused.write_errors[path] = "Permission denied";
  CHECK(RestoreAfterWorker(refused, std::string("online")).find("could not put back online") != std::string::npos);
}
