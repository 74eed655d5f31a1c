// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline.h"

#include "slices.h"

#include <map>
#include <optional>

namespace pmemreclaim {

std::vector<std::string> SplitCommandLine(std::string_view cmdline) {
  // As lib/cmdline.c next_arg(): a double quote toggles whether blanks
  // split; a quote that opens the parameter or its value is dropped with
  // the closing one at the end; other quotes are ordinary characters.
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  std::vector<std::string> params;
  size_t i = 0;
  while (i < cmdline.size()) {
    while (i < cmdline.size() && blank(cmdline[i])) ++i;
    if (i >= cmdline.size()) break;
    const size_t begin = i;
    bool in_quote = false;
    for (; i < cmdline.size(); ++i) {
      if (blank(cmdline[i]) && !in_quote) break;
      if (cmdline[i] == '"') in_quote = !in_quote;
    }
    std::string param(cmdline.substr(begin, i - begin));
    const bool quoted = !param.empty() && param[0] == '"';
    if (quoted) param.erase(0, 1);
    bool closed = false;
    const size_t eq = param.find('=');
    if (eq != std::string::npos && eq + 1 < param.size() && param[eq + 1] == '"') {
      param.erase(eq + 1, 1);
      if (param.size() > eq + 1 && param.back() == '"') {
        param.pop_back();
        closed = true;
      }
    }
    if (quoted && !closed && !param.empty() && param.back() == '"') param.pop_back();
    if (param == "--") break;
    params.push_back(std::move(param));
  }
  return params;
}

namespace {

constexpr std::string_view kPrefix = "pmemreclaim";

std::optional<bool> ParseFlag(std::string_view v, bool has_value) {
  if (!has_value) return true;
  if (v == "1" || v == "y" || v == "yes" || v == "on" || v == "true") return true;
  if (v == "0" || v == "n" || v == "no" || v == "off" || v == "false") return false;
  return std::nullopt;
}

}  // namespace

Options ParseCommandLine(std::string_view cmdline) {
  Options opts;
  // key -> first raw value seen, to catch conflicting duplicates.
  std::map<std::string, std::string> seen;
  for (const std::string& param : SplitCommandLine(cmdline)) {
    const size_t eq = param.find('=');
    const std::string key = param.substr(0, eq);
    const bool has_value = eq != std::string::npos;
    const std::string value = has_value ? param.substr(eq + 1) : std::string();
    if (key == "elfcorehdr") opts.capture_kernel = true;  // a kdump capture kernel's own parameter
    const bool ours = key == kPrefix ||
                      key.compare(0, kPrefix.size() + 1, "pmemreclaim.") == 0;
    if (!ours) continue;

    auto [it, inserted] = seen.emplace(key, value);
    if (!inserted) {
      if (it->second != value) {
        opts.errors.push_back(key + " given twice with different values (\"" + it->second + "\" and \"" + value +
                              "\")");
      }
      continue;
    }
    auto bad = [&](const std::string& why) { opts.errors.push_back("bad " + param + ": " + why); };

    if (key == "pmemreclaim") {
      opts.requested = true;
      if (auto s = ParseStrategy(value); s && has_value) {
        opts.strategy = *s;
      } else {
        bad("expected auto, legacy, ramdax, hmem or off");
      }
    } else if (key == "pmemreclaim.keep") {
      std::string why;
      if (auto v = ParseSize(value); v && has_value) {
        opts.keep = *v;
      } else if (value.find(':') == std::string::npos && value.find(',') == std::string::npos) {
        bad("expected a size such as 126M, 2G or 0x7e00000");
      } else if (auto spec = ParseSlices(value, &why)) {
        opts.slices = spec->slices;  // named slices (the plain form is the size above)
      } else {
        bad(why);
      }
    } else if (key == "pmemreclaim.zone") {
      if (value == "movable") {
        opts.zone = Zone::kMovable;
      } else if (value == "normal") {
        opts.zone = Zone::kNormal;
      } else {
        bad("expected movable or normal");
      }
    } else if (key == "pmemreclaim.memmap_on_memory") {
      if (value == "auto" && has_value) {
        opts.memmap_on_memory = MemmapOnMemory::kAuto;
      } else if (value == "on" && has_value) {
        opts.memmap_on_memory = MemmapOnMemory::kOn;
      } else if (value == "off" && has_value) {
        opts.memmap_on_memory = MemmapOnMemory::kOff;
      } else {
        bad("expected auto, on or off");
      }
    } else if (key == "pmemreclaim.dry_run") {
      if (auto f = ParseFlag(value, has_value)) {
        opts.dry_run = *f;
      } else {
        bad("expected no value, 1 or 0");
      }
    } else if (key == "pmemreclaim.init") {
      if (has_value && !value.empty() && value[0] == '/') {
        opts.init = value;
      } else {
        bad("expected an absolute path");
      }
    } else if (key == "pmemreclaim.timeout") {
      const auto v = ParseNumber(value);
      if (has_value && v && *v >= 1 && *v <= 3600) {
        opts.timeout_seconds = static_cast<unsigned>(*v);
      } else {
        bad("expected seconds from 1 to 3600");
      }
    } else {
      opts.errors.push_back("unknown option " + key);
    }
  }
  return opts;
}

}  // namespace pmemreclaim
