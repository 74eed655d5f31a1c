// SPDX-License-Identifier: GPL-2.0-or-later
#include "slices.h"

#include <set>

namespace pmemreclaim {
namespace {

bool NameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }

// "" when `name` is a good slice name, else why not.
std::string BadName(std::string_view name) {
  if (name.empty()) return "no name";
  if (name.size() > kMaxSliceName) return "a name is at most " + std::to_string(kMaxSliceName) + " characters";
  for (char c : name) {
    if (!NameChar(c)) return "a name is made of a-z, 0-9, _ and -";
  }
  return "";
}

bool GoodAlign(u64 a) { return a == 4 * kKiB || a == 16 * kKiB || a == 64 * kKiB || a == 2 * kMiB || a == kGiB; }

// One SPEC (NAME:SIZE[@ALIGN] or NAME*COUNT:SIZE[@ALIGN]) appended to *out.
bool ParseSpec(std::string_view spec, std::vector<SliceSpec>* out, std::string* err) {
  const std::string quoted = "\"" + std::string(spec) + "\": ";
  const size_t colon = spec.find(':');
  if (colon == std::string_view::npos) {
    *err = quoted + "expected NAME:SIZE, NAME:SIZE@ALIGN or NAME*COUNT:SIZE (a plain size only alone)";
    return false;
  }
  std::string_view name = spec.substr(0, colon);
  std::string_view size_text = spec.substr(colon + 1);
  size_t count = 0;  // 0: a single slice called `name`
  if (const size_t star = name.find('*'); star != std::string_view::npos) {
    const auto n = ParseNumber(name.substr(star + 1));
    if (!n || *n == 0 || *n > kMaxSlices || name[star + 1] == '0') {
      *err = quoted + "COUNT after * is a number from 1 to " + std::to_string(kMaxSlices);
      return false;
    }
    count = static_cast<size_t>(*n);
    name = name.substr(0, star);
  }
  if (std::string why = BadName(name); !why.empty()) {
    *err = quoted + why;
    return false;
  }
  if (count != 0 && name.size() + std::to_string(count - 1).size() > kMaxSliceName) {
    *err = quoted + "the names " + std::string(name) + "0.." + std::string(name) + std::to_string(count - 1) +
           " are longer than " + std::to_string(kMaxSliceName) + " characters";
    return false;
  }
  u64 align = kDefaultSliceAlign;
  if (const size_t at = size_text.find('@'); at != std::string_view::npos) {
    const auto a = ParseSize(size_text.substr(at + 1));
    if (!a || !GoodAlign(*a)) {
      *err = quoted + "ALIGN is 4K, 16K or 64K (the page size), 2M or 1G";
      return false;
    }
    align = *a;
    size_text = size_text.substr(0, at);
  }
  const auto size = ParseSize(size_text);
  if (!size || *size == 0 || !IsAligned(*size, 2 * kMiB)) {
    *err = quoted + "SIZE is a multiple of 2 MiB, such as 126M or 1G";
    return false;
  }
  if (!IsAligned(*size, align)) {
    // a dax device (hmem) or devdax (ramdax) of ALIGN is a whole number of ALIGN pages
    *err = quoted + "SIZE is a multiple of ALIGN (" + HumanSize(align) + "): a device of that alignment is";
    return false;
  }
  if (out->size() + (count == 0 ? 1 : count) > kMaxSlices) {
    *err = quoted + "more than " + std::to_string(kMaxSlices) + " slices";
    return false;
  }
  if (count == 0) {
    out->push_back(SliceSpec{std::string(name), *size, align});
  } else {
    for (size_t i = 0; i < count; ++i) out->push_back(SliceSpec{std::string(name) + std::to_string(i), *size, align});
  }
  return true;
}

}  // namespace

std::optional<SlicesSpec> ParseSlices(std::string_view text, std::string* err) {
  SlicesSpec out;
  if (text.find(':') == std::string_view::npos && text.find(',') == std::string_view::npos) {
    const auto size = ParseSize(text);
    if (!size) {
      *err = "expected a size such as 126M, 2G or 0x7e00000, or slices NAME:SIZE[@ALIGN],...";
      return std::nullopt;
    }
    out.plain = true;
    out.slices.push_back(SliceSpec{"keep", *size, kDefaultSliceAlign});
    return out;
  }
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string_view spec = text.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                                     : comma - start);
    if (spec.empty()) {
      *err = "an empty slice (two commas, or one at an end)";
      return std::nullopt;
    }
    if (!ParseSpec(spec, &out.slices, err)) return std::nullopt;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::set<std::string> names;
  for (const SliceSpec& s : out.slices) {
    if (!names.insert(s.name).second) {
      *err = "slice " + s.name + " is named twice";
      return std::nullopt;
    }
  }
  return out;
}

std::string FormatSlices(const SlicesSpec& spec) {
  if (spec.plain) return spec.slices.empty() ? "0" : KernelSize(spec.slices.front().size);
  std::string out;
  auto one = [](const SliceSpec& s, const std::string& name) {
    return name + ":" + KernelSize(s.size) + (s.align == kDefaultSliceAlign ? "" : "@" + KernelSize(s.align));
  };
  for (size_t i = 0; i < spec.slices.size();) {
    const SliceSpec& s = spec.slices[i];
    // a run s.name = BASE0, BASE1, ... of the same size and align is BASE*N
    size_t run = 0;
    const std::string base = s.name.size() > 1 && s.name.back() == '0' ? s.name.substr(0, s.name.size() - 1) : "";
    if (!base.empty()) {
      while (i + run < spec.slices.size() && spec.slices[i + run].name == base + std::to_string(run) &&
             spec.slices[i + run].size == s.size && spec.slices[i + run].align == s.align) {
        ++run;
      }
    }
    if (!out.empty()) out += ",";
    if (run > 1) {
      out += one(s, base + "*" + std::to_string(run));
      i += run;
    } else {
      out += one(s, s.name);
      ++i;
    }
  }
  return out;
}

bool IsSliceName(std::string_view name) { return BadName(name).empty(); }

bool LayoutSlices(const std::vector<Range>& carves, const std::vector<SliceSpec>& specs, u64 lead,
                  std::vector<Slice>* out, std::string* err) {
  out->clear();
  size_t c = 0;
  u64 cursor = carves.empty() ? 0 : carves.front().start;
  for (const SliceSpec& s : specs) {
    bool placed = false;
    while (c < carves.size()) {
      const Range& carve = carves[c];
      cursor = std::max(cursor, carve.start);
      const u64 start = cursor > ~u64{0} - lead ? ~u64{0} : AlignUp(cursor + lead, s.align);
      if (start >= carve.start + lead && start <= carve.end && s.size <= carve.end - start) {
        out->push_back(Slice{s.name, Range::FromSize(start, s.size), Range{start - lead, start + s.size}, s.align, c});
        cursor = start + s.size;
        placed = true;
        break;
      }
      ++c;  // never across two carves: the next one
    }
    if (!placed) {
      *err = "slice " + s.name + " (" + HumanSize(s.size) + " at " + HumanSize(s.align) + ") does not fit in the carves" +
             (out->empty() ? "" : " after " + out->back().name);
      out->clear();
      return false;
    }
  }
  return true;
}

u64 BytesBetweenSlices(const std::vector<Range>& carves, const std::vector<Slice>& slices) {
  u64 held = 0, span = 0;
  for (size_t c = 0; c < carves.size(); ++c) {
    u64 last_end = 0;
    bool any = false;
    for (const Slice& s : slices) {
      if (s.carve != c) continue;
      held += s.range.size();
      last_end = s.range.end;
      any = true;
    }
    if (any) span += last_end - carves[c].start;
  }
  return span - held;
}

}  // namespace pmemreclaim
