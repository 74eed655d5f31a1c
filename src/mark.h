// SPDX-License-Identifier: GPL-2.0-or-later
// pmemreclaim's mark on what it writes: every info block and labelled
// namespace it makes gets a uuid derived from what it is ("devdax",
// "keep") and where it is (the namespace's range).  A layout is reused
// only when it carries that mark; one of the same shape without it (ndctl
// made it, or anyone else) is foreign and left alone.
#ifndef PMEMRECLAIM_MARK_H_
#define PMEMRECLAIM_MARK_H_

#include <string>

#include "range.h"

namespace pmemreclaim {

// What a marked object is.
enum class MarkRole {
  kDevdax,         // the dax info block of a devdax namespace
  kKeepNamespace,  // ramdax: the raw namespace over the kept range
  kDaxNamespace,   // ramdax: the namespace that carries the devdax
  kSliceNamespace, // ramdax: a named slice's devdax namespace
};

// The uuid pmemreclaim writes for `role` at `range`, in the kernel's
// sysfs form ("0f1e2d3c-...", lower case): RFC 9562 version 8 (custom),
// the same on every boot and every machine for the same role and range.
std::string MarkUuid(MarkRole role, const Range& range);

// True when `uuid` (any case, as sysfs or libndctl show it) is the mark.
bool HasMark(const std::string& uuid, MarkRole role, const Range& range);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_MARK_H_
