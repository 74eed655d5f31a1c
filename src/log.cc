#include "log.h"

#include <fcntl.h>
#include <unistd.h>

namespace pmemreclaim {
namespace {
int g_kmsg = -1;
LogSink g_sink = nullptr;

void WriteAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = write(fd, s.data() + done, s.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}
}  // namespace

void LogToKmsg() {
  if (g_kmsg >= 0) return;
  g_kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (g_kmsg < 0) g_kmsg = open("/dev/console", O_WRONLY | O_CLOEXEC | O_NOCTTY);
}

void SetLogSink(LogSink sink) { g_sink = sink; }

void Log(LogLevel level, const std::string& message) {
  // One kmsg record per line; kmsg records are limited to about 1 KiB.
  size_t start = 0;
  while (start <= message.size()) {
    size_t nl = message.find('\n', start);
    if (nl == std::string::npos) nl = message.size();
    std::string line = message.substr(start, std::min<size_t>(nl - start, 900));
    if (g_sink != nullptr) {
      g_sink(level, line);
    } else if (g_kmsg >= 0) {
      WriteAll(g_kmsg, "<" + std::to_string(static_cast<int>(level)) + ">pmemreclaim: " + line + "\n");
    } else {
      WriteAll(2, "pmemreclaim: " + line + "\n");
    }
    start = nl + 1;
  }
}

}  // namespace pmemreclaim
