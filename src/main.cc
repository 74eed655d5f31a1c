// SPDX-License-Identifier: GPL-2.0-or-later
// pmemreclaim: PID 1 in an initramfs, or a command on a running system
// (commands.h).  Only the wiring of the real system is here.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "boot.h"
#include "commands.h"
#include "log.h"
#include "nvdimm.h"
#include "system.h"

int main(int argc, char** argv, char** envp) {
  if (getpid() == 1) pmemreclaim::BootMain(argc, argv, envp);
  try {
    pmemreclaim::RealSystem sys;
    const auto nvdimm = pmemreclaim::NewLibNvdimm();
    pmemreclaim::CommandEnv env{sys, *nvdimm,
                                pmemreclaim::LogToKmsg,
                                [](const pmemreclaim::Options& o) { pmemreclaim::RunReclaimJob(o); }, "", ""};
    const int rc = pmemreclaim::RunCommand(std::vector<std::string>(argv + 1, argv + argc), env);
    std::fputs(env.out.c_str(), stdout);
    std::fputs(env.err.c_str(), stderr);
    return rc;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pmemreclaim: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "pmemreclaim: internal error\n");
  }
  return 1;
}
