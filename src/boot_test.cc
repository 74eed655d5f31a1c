#include "boot.h"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <stdexcept>

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
