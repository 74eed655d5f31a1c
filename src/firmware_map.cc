// SPDX-License-Identifier: GPL-2.0-or-later
#include "firmware_map.h"

#include <algorithm>

#include "cmdline.h"
#include "size.h"

namespace pmemreclaim {

namespace {

std::string FirstLine(const std::optional<std::string>& s) { return s ? s->substr(0, s->find('\n')) : ""; }

}  // namespace

std::vector<FirmwareMapEntry> ReadFirmwareMap(SystemInterface& sys) {
  std::vector<FirmwareMapEntry> out;
  for (const std::string& n : sys.ListDir(kFirmwareMap)) {
    const std::string dir = std::string(kFirmwareMap) + "/" + n;
    const auto start = ParseHex(FirstLine(sys.ReadFile(dir + "/start")));
    const auto last = ParseHex(FirstLine(sys.ReadFile(dir + "/end")));
    if (!start || !last || *last < *start) continue;
    out.push_back({Range{*start, *last + 1}, FirstLine(sys.ReadFile(dir + "/type"))});
  }
  return out;
}

std::vector<Range> MemmapCarves(std::string_view cmdline) {
  std::vector<Range> out;
  for (const std::string& p : SplitCommandLine(cmdline)) {
    if (p.rfind("memmap=", 0) != 0) continue;
    std::string_view v = std::string_view(p).substr(7);
    while (!v.empty()) {
      const size_t comma = v.find(',');
      const std::string_view one = v.substr(0, comma);
      const size_t bang = one.find('!');
      if (bang != std::string_view::npos) {
        const auto size = ParseSize(one.substr(0, bang));
        const auto start = ParseSize(one.substr(bang + 1));
        if (size && start && *size > 0) out.push_back(Range::FromSize(*start, *size));
      }
      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
    }
  }
  return out;
}

bool CarvedFromRam(const Range& r, const std::vector<FirmwareMapEntry>& map, const std::vector<Range>& memmap) {
  if (r.empty()) return false;
  std::vector<Range> ram = memmap;
  for (const FirmwareMapEntry& e : map) {
    if (e.type == "System RAM") ram.push_back(e.range);
  }
  std::sort(ram.begin(), ram.end(), [](const Range& a, const Range& b) { return a.start < b.start; });
  u64 covered = r.start;  // all of [r.start, covered) is RAM
  for (const Range& x : ram) {
    if (x.start > covered) break;
    covered = std::max(covered, x.end);
    if (covered >= r.end) return true;
  }
  return false;
}

}  // namespace pmemreclaim
