// SPDX-License-Identifier: GPL-2.0-or-later
#include "boot.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
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
  CHECK(RunBounded([] { return 0; }, 5).how.empty());
  CHECK(RunBounded([] { return 3; }, 5).how.find("status 3") != std::string::npos);
  CHECK(RunBounded([]() -> int { raise(SIGSEGV); return 0; }, 5).how.find("signal 11") != std::string::npos);
  CHECK(RunBounded([]() -> int { throw std::runtime_error("boom"); }, 5).how.find("status 1") != std::string::npos);
  const Bounded hang = RunBounded([] { for (;;) pause(); return 0; }, 1);
  CHECK(hang.how.find("timed out after 1 s") != std::string::npos);
  CHECK_FALSE(hang.stuck);
}

TEST_CASE("the bounded worker: one that SIGKILL does not end is left after the grace, not waited for") {
  // SIGSTOP stands in for a worker asleep in the kernel: waitpid does not
  // reap it, as it would not reap one in uninterruptible sleep.
  pid_t worker = 0;
  int pipefd[2];
  REQUIRE(pipe(pipefd) == 0);
  const auto start = std::chrono::steady_clock::now();
  const Bounded stuck = RunBounded(
      [&]() -> int {
        const pid_t self = getpid();
        if (write(pipefd[1], &self, sizeof self) != sizeof self) return 1;
        for (;;) pause();
        return 0;
      },
      1, 300, SIGSTOP);
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(read(pipefd[0], &worker, sizeof worker) == sizeof worker);
  close(pipefd[0]);
  close(pipefd[1]);
  CHECK(stuck.stuck);
  CHECK(stuck.how.find("did not end within 300 ms") != std::string::npos);
  CHECK(took < std::chrono::seconds(3));
  // still there, unreaped: end it now
  CHECK(waitpid(worker, nullptr, WNOHANG) == 0);
  kill(worker, SIGKILL);
  CHECK(waitpid(worker, nullptr, 0) == worker);
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
