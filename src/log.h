// SPDX-License-Identifier: GPL-2.0-or-later
// Logging: to /dev/kmsg in early boot (so lines show in dmesg as
// "pmemreclaim: ..."), to stderr on a running system.
#ifndef PMEMRECLAIM_LOG_H_
#define PMEMRECLAIM_LOG_H_

#include <cstdarg>
#include <cstddef>
#include <string>
#include <vector>

namespace pmemreclaim {

enum class LogLevel { kError = 3, kWarning = 4, kNotice = 5, kInfo = 6, kDebug = 7 };

// Sends lines to /dev/kmsg (opened now) instead of stderr.  Falls back to
// the console when /dev/kmsg can't be opened.
void LogToKmsg();
// /dev/kmsg drops lines past 10 per 5 s on one open file; Log() opens a new
// one before that.  PID 1 calls this before it unmounts /dev, so that the
// lines after it (the handoff) have a whole budget on the file it keeps.
void LogRenewBudget();
void Log(LogLevel level, const std::string& message);

// A message as the records Log writes: one per line, and a line longer
// than `width` split (after a blank where one is near) into records after
// the first that start with kLogContinued.  Nothing is cut: the records
// less that mark are the line.  Pure.
constexpr size_t kLogRecordWidth = 900;
constexpr char kLogContinued[] = "(continued) ";
std::vector<std::string> LogRecords(const std::string& message, size_t width);

// Tests capture lines instead (nullptr restores the default).
using LogSink = void (*)(LogLevel level, const std::string& line);
void SetLogSink(LogSink sink);

inline void LogError(const std::string& m) { Log(LogLevel::kError, m); }
inline void LogWarning(const std::string& m) { Log(LogLevel::kWarning, m); }
inline void LogNotice(const std::string& m) { Log(LogLevel::kNotice, m); }
inline void LogInfo(const std::string& m) { Log(LogLevel::kInfo, m); }

// The log callback of libkmod, libndctl and libdaxctl, after their own
// arguments: their errors and warnings (syslog priority <= 4) as one
// warning line "WHO: message".
void LogLibraryLine(const char* who, int priority, const char* format, va_list args);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_LOG_H_
