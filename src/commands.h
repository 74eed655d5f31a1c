// SPDX-License-Identifier: GPL-2.0-or-later
// The command line of `pmemreclaim COMMAND [options]`: a table of
// subcommands, each with its own usage (`COMMAND --help`), run against the
// system and device-layer interfaces, so that all of it is unit tested.
// main.cc only wires the real system in.
#ifndef PMEMRECLAIM_COMMANDS_H_
#define PMEMRECLAIM_COMMANDS_H_

#include <functional>
#include <string>
#include <vector>

#include "cmdline.h"
#include "strategy.h"
#include "system.h"

namespace pmemreclaim {

// What a command runs against, and what it prints.
struct CommandEnv {
  SystemInterface& sys;
  NvdimmInterface& nvdimm;  // not scanned yet: the commands rescan it
  // `boot`: sends the log to /dev/kmsg (LogToKmsg), then runs the bounded
  // PID 1 job (RunReclaimJob) for these options.
  std::function<void()> log_to_kmsg;
  std::function<void(const Options&)> boot_job;
  std::string out;  // for stdout
  std::string err;  // for stderr
};

struct Command {
  const char* name;
  const char* args;     // after the name in its usage line
  const char* summary;  // one line, for the list of commands
  const char* help;     // the rest of `COMMAND --help`
  int (*run)(const std::vector<std::string>& args, CommandEnv& env);
};

// Every command, in the order `pmemreclaim --help` lists them.
const std::vector<Command>& Commands();

// The options of a command run on a running system: the kernel command
// line's pmemreclaim options (`cmdline`), each replaced by the flag for the
// same key when one is given (--strategy= --keep= --zone= --dry-run), and
// pmemreclaim=auto when neither names a strategy.  --json sets *json.
// False with *err on an unknown argument or a bad option.
bool CommandOptions(const std::vector<std::string>& args, const std::string& cmdline, Options* opts, bool* json,
                    std::string* err);

// argv without the program name.  Returns the exit status: 0 done, 1 it
// failed (apply: a region not as planned; an error), 2 usage error.
int RunCommand(const std::vector<std::string>& argv, CommandEnv& env);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_COMMANDS_H_
