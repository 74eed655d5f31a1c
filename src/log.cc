// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace pmemreclaim {
namespace {
int g_kmsg = -1;
bool g_kmsg_is_console = false;
int g_lines_on_fd = 0;
LogSink g_sink = nullptr;

// /dev/kmsg lets one open file write 10 lines per 5 s (printk.devkmsg=ratelimit,
// the default) and drops the rest; a new open file starts a fresh budget.
constexpr int kKmsgBurst = 10;

void WriteAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = write(fd, s.data() + done, s.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

int OpenKmsg(bool* console) {
  int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
  *console = false;
  if (fd < 0) {
    fd = open("/dev/console", O_WRONLY | O_CLOEXEC | O_NOCTTY);
    *console = fd >= 0;
  }
  return fd;
}

// A fresh /dev/kmsg file before this one's budget runs out.  When /dev is
// gone (PID 1 unmounted it) the old file is kept: LogRenewBudget() before
// the unmount leaves it a full budget.
void RotateIfSpent() {
  if (g_kmsg < 0 || g_kmsg_is_console || g_lines_on_fd < kKmsgBurst - 1) return;
  LogRenewBudget();
}
}  // namespace

void LogToKmsg() {
  if (g_kmsg >= 0) return;
  g_kmsg = OpenKmsg(&g_kmsg_is_console);
  g_lines_on_fd = 0;
}

void LogRenewBudget() {
  if (g_kmsg < 0) return;
  bool console = false;
  const int fd = OpenKmsg(&console);
  if (fd < 0 || console) {
    if (fd >= 0) close(fd);
    return;
  }
  close(g_kmsg);
  g_kmsg = fd;
  g_kmsg_is_console = false;
  g_lines_on_fd = 0;
}

void SetLogSink(LogSink sink) { g_sink = sink; }

std::vector<std::string> LogRecords(const std::string& message, size_t width) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= message.size()) {
    size_t nl = message.find('\n', start);
    if (nl == std::string::npos) nl = message.size();
    std::string rest = message.substr(start, nl - start);
    bool first = true;
    do {
      const std::string lead = first ? "" : kLogContinued;
      const size_t room = width > lead.size() + 1 ? width - lead.size() : 1;
      size_t cut = rest.size();
      if (rest.size() > room) {
        // after the last blank that leaves at least half the room used, else hard
        const size_t blank = rest.rfind(' ', room - 1);
        cut = blank != std::string::npos && blank + 1 >= room / 2 ? blank + 1 : room;
      }
      out.push_back(lead + rest.substr(0, cut));
      rest = rest.substr(cut);
      first = false;
    } while (!rest.empty());
    start = nl + 1;
  }
  return out;
}

void Log(LogLevel level, const std::string& message) {
  // One kmsg record per line; kmsg records are limited to about 1 KiB: a
  // longer line goes on in further records, each marked as continued.
  for (const std::string& line : LogRecords(message, kLogRecordWidth)) {
    if (g_sink != nullptr) {
      g_sink(level, line);
    } else if (g_kmsg >= 0) {
      RotateIfSpent();
      WriteAll(g_kmsg, "<" + std::to_string(static_cast<int>(level)) + ">pmemreclaim: " + line + "\n");
      ++g_lines_on_fd;
    } else {
      WriteAll(2, "pmemreclaim: " + line + "\n");
    }
  }
}

void LogLibraryLine(const char* who, int priority, const char* format, va_list args) {
  if (priority > 4) return;
  char buf[512];
  vsnprintf(buf, sizeof buf, format, args);
  std::string s(buf);
  while (!s.empty() && s.back() == '\n') s.pop_back();
  LogWarning(std::string(who) + ": " + s);
}

}  // namespace pmemreclaim
