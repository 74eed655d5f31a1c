// SPDX-License-Identifier: GPL-2.0-or-later
// Kept slices (part 17): named ranges of a carve that are never written or
// onlined, each its own device across kexec.  The description is the value
// of pmemreclaim.keep=:
//   SPEC[,SPEC]...   SPEC = NAME:SIZE[@ALIGN] | NAME*COUNT:SIZE[@ALIGN]
// NAME is 1-32 of [a-z0-9_-]; NAME*4 names NAME0..NAME3; ALIGN is 4K, 16K,
// 64K (a page size), 2M (the default) or 1G; SIZE a multiple of 2 MiB.  The
// plain SIZE form (today's) is one slice named "keep".  Pure: parsing and
// the layout, no system access.
#ifndef PMEMRECLAIM_SLICES_H_
#define PMEMRECLAIM_SLICES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "range.h"
#include "size.h"

namespace pmemreclaim {

constexpr size_t kMaxSliceName = 32;
// More than a ramdax label area holds (about 500 namespaces) and than
// 176 slices of 1 GiB in one carve; bounds the work of a long *COUNT.
constexpr size_t kMaxSlices = 1024;
constexpr u64 kDefaultSliceAlign = 2 * kMiB;

struct SliceSpec {
  std::string name;
  u64 size = 0;
  u64 align = kDefaultSliceAlign;
  bool operator==(const SliceSpec& o) const { return name == o.name && size == o.size && align == o.align; }
};

struct SlicesSpec {
  // The plain SIZE form: one slice "keep", laid out as today's kept range
  // (pmemreclaim.keep=SIZE), not by LayoutSlices.
  bool plain = false;
  std::vector<SliceSpec> slices;
};

// Parses pmemreclaim.keep='s value; nullopt with *err (one line, naming the
// piece at fault) when anything is wrong: then nothing may be touched.
std::optional<SlicesSpec> ParseSlices(std::string_view text, std::string* err);

// 1-32 of [a-z0-9_-]: a name that is safe as a file name under /dev.
bool IsSliceName(std::string_view name);

// The canonical text of a description (NAME*COUNT collapsed again where the
// slices allow it): ParseSlices(FormatSlices(s)) == s.
std::string FormatSlices(const SlicesSpec& spec);

struct Slice {
  std::string name;
  Range range;      // the slice's bytes: never written, never onlined
  Range extent;     // what its device takes: the range and the `lead` before it
  u64 align = 0;
  size_t carve = 0;  // index into the carves given to LayoutSlices
};

// Lays the slices out in the order given from the start of the lowest
// carve: each starts at the first `align` boundary that leaves `lead` bytes
// after the previous one (ramdax: the namespace's info block, 2 MiB; hmem:
// none), and never spans two carves: one that does not fit in the rest of
// a carve starts in the next.  `carves` sorted, not overlapping.  False with
// *err (the first slice that found no room) when they do not all fit.
bool LayoutSlices(const std::vector<Range>& carves, const std::vector<SliceSpec>& specs, u64 lead,
                  std::vector<Slice>* out, std::string* err);

// Bytes of the carves between and before the slices that no slice holds,
// per carve up to its last slice's end (what the layout strands before the
// rest of the carve goes to kmem).
u64 BytesBetweenSlices(const std::vector<Range>& carves, const std::vector<Slice>& slices);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_SLICES_H_
