// SPDX-License-Identifier: GPL-2.0-or-later
#include "boot.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <exception>

#include "force_raw.h"
#include "handoff.h"
#include "keep_links.h"
#include "log.h"
#include "nvdimm.h"
#include "probe.h"
#include "reclaim.h"
#include "system.h"
#include "timing.h"

namespace pmemreclaim {

std::vector<std::string> InitCandidates(const std::string& requested) {
  std::vector<std::string> out;
  for (const std::string& p : {requested, std::string("/init"), std::string("/sbin/init")}) {
    if (p.empty()) continue;
    bool dup = false;
    for (const std::string& q : out) dup = dup || q == p;
    if (!dup) out.push_back(p);
  }
  return out;
}

std::vector<std::string> WithoutSelf(const std::vector<std::string>& inits,
                                     const std::function<bool(const std::string&)>& is_self) {
  std::vector<std::string> out;
  for (const std::string& init : inits) {
    if (is_self(init)) {
      LogWarning("not handing off to " + init + ": it is pmemreclaim itself (that would loop); trying the next init");
    } else {
      out.push_back(init);
    }
  }
  return out;
}

namespace {

// Waits for `pid` at most `limit_ms`; true with *status when it was reaped.
bool ReapWithin(pid_t pid, long limit_ms, int* status, std::string* lost) {
  const long step_ms = 10;
  for (long waited = 0;; waited += step_ms) {
    const pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) {
      *lost = std::string("lost the worker: ") + strerror(errno);
      return true;
    }
    if (waited >= limit_ms) return false;
    struct timespec ts = {0, step_ms * 1000000L};
    nanosleep(&ts, nullptr);
  }
}

}  // namespace

Bounded RunBounded(const std::function<int()>& work, unsigned timeout_seconds, long grace_ms, int stop_signal) {
  const pid_t pid = fork();
  if (pid < 0) return {std::string("cannot start the worker: ") + strerror(errno) + "; nothing was changed", false};
  if (pid == 0) {
    // A crash ends the worker, whatever handlers the parent had.
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) signal(sig, SIG_DFL);
    int rc = 1;
    try {
      rc = work();
    } catch (const std::exception& e) {
      LogError(std::string("internal error: ") + e.what());
    } catch (...) {
      LogError("internal error");
    }
    _exit(rc);
  }
  int status = 0;
  std::string lost;
  if (ReapWithin(pid, static_cast<long>(timeout_seconds) * 1000, &status, &lost)) {
    if (!lost.empty()) return {lost, false};
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {"", false};
    if (WIFEXITED(status)) return {"the worker exited with status " + std::to_string(WEXITSTATUS(status)), false};
    if (WIFSIGNALED(status)) return {"the worker died of signal " + std::to_string(WTERMSIG(status)), false};
    return {"the worker ended oddly", false};
  }
  kill(pid, stop_signal);
  const std::string timed_out = "timed out after " + std::to_string(timeout_seconds) + " s (pmemreclaim.timeout); ";
  if (ReapWithin(pid, grace_ms, &status, &lost)) {
    return {timed_out + "the worker was stopped, memory may be partly onlined (see lines above)", false};
  }
  return {timed_out + "the worker did not end within " + std::to_string(grace_ms) +
              " ms of SIGKILL (it sleeps in the kernel: a hung probe or a device lock); handing off without it, "
              "memory may be partly onlined (see lines above)",
          true};
}

void RunReclaimJob(const Options& options) {
  Options opts = options;
  opts.early = true;  // nothing else runs yet: the cheap look (force_raw.h)
  // System-wide state the worker may change and put back itself; if it
  // dies first, PID 1 puts it back: the auto-online policy, and carve
  // namespaces forced raw.
  RealSystem sys;
  const auto policy = sys.ReadFile(kAutoOnlinePath);
  const Bounded job = RunBounded(
      [&opts]() {
        const Stamp begin = Now();
        RealSystem sys;
        const auto nvdimm = NewLibNvdimm();
        const Outcome outcome = Reclaim(opts, sys, *nvdimm);
        const std::string record = StateJson(outcome);
        WriteHandoffRecord(sys, record);
        MakeKeepLinks(sys, record);
        if (opts.requested && opts.errors.empty()) LogInfo(FormatTimings(begin, Now(), PhaseTotals()));
        return 0;
      },
      opts.timeout_seconds);
  LogRenewBudget();  // the worker wrote on the same /dev/kmsg file
  if (job.how.empty()) return;
  LogError(job.how);
  WriteHandoffRecord(sys, FailedStateJson(job.how));
  const bool look = BootLookMayRun(opts);
  const std::string undone = std::string("the auto-online policy (if the worker changed it)") +
                             (look ? ", the carve namespaces still forced raw, device_dax" : "");
  if (job.stuck) {
    // Its locks are held still: putting things back would hang on them too.
    LogError("left undone, for the next boot or by hand: " + undone);
    return;
  }
  // Putting back is bounded too: it takes the same kernel locks the worker
  // may have died holding.
  const Bounded after = RunBounded(
      [&sys, &policy, look]() {
        const std::string restore = RestoreAfterWorker(sys, policy);
        if (!restore.empty()) LogWarning(restore);
        if (look) FinishBootLook(sys, *NewLibNvdimm());
        return 0;
      },
      kPutBackSeconds);
  LogRenewBudget();
  if (!after.how.empty()) LogError("putting things back after the worker: " + after.how + "; may be left undone: " + undone);
}

void WriteHandoffRecord(SystemInterface& sys, const std::string& json) {
  std::string err;
  if (!sys.CreateFile(kStatePath, json + "\n", &err)) LogWarning("cannot write the handoff record: " + err);
}

std::string RestoreAfterWorker(SystemInterface& sys, const std::optional<std::string>& policy_before) {
  if (!policy_before) return "";
  const std::string want = policy_before->substr(0, policy_before->find('\n'));
  const auto now = sys.ReadFile(kAutoOnlinePath);
  const std::string is = now ? now->substr(0, now->find('\n')) : "";
  if (!now || is == want) return "";
  std::string err;
  if (!sys.WriteFile(kAutoOnlinePath, want, &err)) {
    return "the worker left auto_online_blocks at " + is + "; could not put back " + want + ": " + err;
  }
  return "the worker left auto_online_blocks at " + is + "; put back " + want;
}

namespace {

struct Mount {
  const char* source;
  const char* target;
  const char* type;
  const char* probe;  // exists when already mounted
};

constexpr Mount kMounts[] = {
    {"proc", "/proc", "proc", "/proc/self"},
    {"sysfs", "/sys", "sysfs", "/sys/kernel"},
    {"devtmpfs", "/dev", "devtmpfs", "/dev/null"},
};

bool Exists(const char* path) {
  struct stat st;
  return stat(path, &st) == 0;
}

// A directory with no entries, or no directory at all.
bool EmptyOrMissing(const char* path) {
  DIR* dir = opendir(path);
  if (dir == nullptr) return true;
  bool empty = true;
  while (struct dirent* e = readdir(dir)) {
    if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") empty = false;
  }
  closedir(dir);
  return empty;
}

// A directory on another file system than its parent's.
bool IsMountPoint(const char* path) {
  struct stat st, parent;
  return stat(path, &st) == 0 && stat((std::string(path) + "/..").c_str(), &parent) == 0 && st.st_dev != parent.st_dev;
}

}  // namespace

namespace {

// Everything PID 1 does before the handoff; may throw (it allocates).
// Returns the inits to try, in order.
std::vector<std::string> PrepareAndReclaim() {
  std::vector<const char*> mounted;
  std::vector<std::string> mount_errors;
  for (const Mount& m : kMounts) {
    if (Exists(m.probe)) continue;
    mkdir(m.target, 0755);
    if (mount(m.source, m.target, m.type, MS_NOSUID | (m.target[1] == 'd' ? 0 : MS_NOEXEC), nullptr) == 0) {
      mounted.push_back(m.target);
    } else {
      mount_errors.push_back(std::string("mount ") + m.target + ": " + strerror(errno));
    }
  }
  // /run: a tmpfs the next init keeps (systemd and dracut take a mounted
  // /run as it is), so that the handoff record reaches the real system.
  // Not over a /run that holds something (the image's, or an earlier
  // init's): it would hide it from the next init; the record then goes
  // into that directory (dracut's shell init copies it into its tmpfs).
  if (!IsMountPoint("/run") && EmptyOrMissing("/run")) {
    mkdir("/run", 0755);
    // systemd's own options for /run (it keeps this mount for the whole
    // uptime): a bounded size and inode count.
    if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=0755,size=20%,nr_inodes=800k") != 0) {
      mount_errors.push_back(std::string("mount /run: ") + strerror(errno));
    }
  }
  LogToKmsg();
  for (const std::string& e : mount_errors) LogWarning(e);

  RealSystem probe_sys;
  std::string err;
  const auto cmdline = probe_sys.ReadFile("/proc/cmdline", &err);
  Options opts;
  if (!cmdline) {
    LogError("cannot read /proc/cmdline (" + err + "): nothing changed");
  } else {
    opts = ParseCommandLine(*cmdline);
  }

  if (opts.requested || !opts.errors.empty()) RunReclaimJob(opts);

  // Which file this program is, while /proc is there: an init that is the
  // same file would exec pmemreclaim again, for ever.
  struct stat self;
  const bool know_self = stat("/proc/self/exe", &self) == 0;
  LogRenewBudget();
  for (auto it = mounted.rbegin(); it != mounted.rend(); ++it) {
    if (umount2(*it, MNT_DETACH) != 0) LogWarning(std::string("umount ") + *it + ": " + strerror(errno));
  }
  return WithoutSelf(InitCandidates(opts.init), [&](const std::string& path) {
    struct stat st;
    return know_self && stat(path.c_str(), &st) == 0 && st.st_dev == self.st_dev && st.st_ino == self.st_ino;
  });
}

}  // namespace

void BootMain(int argc, char** argv, char** envp) {
  std::vector<std::string> inits;
  bool internal_error = false;
  try {
    inits = PrepareAndReclaim();
  } catch (...) {
    internal_error = true;
    // Nothing may stop the handoff; the worker did the risky part already.
    LogToKmsg();
    LogError("internal error in PID 1 before the handoff; handing off with memory as it is");
  }
  // Hand off with the original arguments and environment.
  char* fallback[] = {const_cast<char*>("/init"), nullptr};
  char** args = argc > 0 ? argv : fallback;
  for (const std::string& init : inits) {
    args[0] = const_cast<char*>(init.c_str());
    LogInfo("handing off to " + init);
    execve(init.c_str(), args, envp);
    LogError("cannot execute " + init + ": " + strerror(errno) + "; trying the next init");
  }
  if (internal_error) {  // the defaults, without allocating
    for (const char* init : {"/init", "/sbin/init"}) {
      args[0] = const_cast<char*>(init);
      execve(init, args, envp);
    }
  }
  // No init at all: the machine can't boot with or without pmemreclaim.
  // Do as the kernel does when it finds no working init (it panics, and
  // panic= decides what follows), with a line that says why first, rather
  // than hang without a word.
  LogError("no init could be executed (see the lines above); as the kernel does when it finds no working init, "
           "PID 1 ends here and the kernel panics (\"Attempted to kill init\"); pass pmemreclaim.init= or init=");
  _exit(1);
}

}  // namespace pmemreclaim
