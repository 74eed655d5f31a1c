// SPDX-License-Identifier: GPL-2.0-or-later
#include "iomem.h"

namespace pmemreclaim {

std::vector<IomemEntry> ParseIomem(std::string_view text) {
  std::vector<IomemEntry> entries;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);

    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    line.remove_prefix(indent);
    const size_t dash = line.find('-');
    const size_t colon = line.find(" : ");
    if (dash == std::string_view::npos || colon == std::string_view::npos || dash > colon) continue;
    const auto first = ParseHex(line.substr(0, dash));
    const auto last = ParseHex(line.substr(dash + 1, colon - dash - 1));
    if (!first || !last || *last < *first || *last == ~u64{0}) continue;
    IomemEntry e;
    e.range = Range{*first, *last + 1};
    e.name = std::string(line.substr(colon + 3));
    e.depth = static_cast<int>(indent / 2);
    entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<Range> FindIomem(const std::vector<IomemEntry>& entries, std::string_view name) {
  std::vector<Range> out;
  for (const IomemEntry& e : entries) {
    if (e.name == name) out.push_back(e.range);
  }
  return out;
}

std::vector<Range> KmemRanges(const std::vector<IomemEntry>& entries) { return FindIomem(entries, "System RAM (kmem)"); }

std::vector<Range> LegacyCarveRanges(const std::vector<IomemEntry>& entries) {
  return FindIomem(entries, "Persistent Memory (legacy)");
}

std::vector<Range> SystemRamRanges(const std::vector<IomemEntry>& entries) {
  std::vector<Range> out;
  for (const IomemEntry& e : entries) {
    if (e.depth == 0 && e.name == "System RAM") out.push_back(e.range);
  }
  return out;
}

std::vector<Range> KernelCodeRanges(const std::vector<IomemEntry>& entries) { return FindIomem(entries, "Kernel code"); }

std::vector<IomemEntry> ReadIomem(SystemInterface& sys) {
  const auto text = sys.ReadFile("/proc/iomem");
  return text ? ParseIomem(*text) : std::vector<IomemEntry>{};
}

}  // namespace pmemreclaim
