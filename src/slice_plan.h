// SPDX-License-Identifier: GPL-2.0-or-later
// `plan --carve=... --keep=vm*4:1G@1G,...`: what each strategy would keep,
// online and strand with named slices (slices.h) on given carves.  Pure, as
// the rest of nextboot.h.  Every slice starts on 2 MiB at least (dax_hmem
// devices and namespaces are laid out in 2 MiB units), whatever its ALIGN.
//   hmem    a dax device of exactly each slice, nothing before it; the rest
//           of the carve after the last slice one device for kmem
//   ramdax  a devdax namespace per slice starting 2 MiB below it (its info
//           block: the slice's data starts on ALIGN), the label area at the
//           carve's end, the rest a devdax namespace for kmem
//   legacy  one memmap= carve per slice (raw, no info block), the rest a
//           devdax carve for kmem: the carves to use are the layout's
#ifndef PMEMRECLAIM_SLICE_PLAN_H_
#define PMEMRECLAIM_SLICE_PLAN_H_

#include <string>
#include <vector>

#include "nextboot.h"
#include "slices.h"

namespace pmemreclaim {

struct SliceEstimate {
  Strategy strategy = Strategy::kLegacy;
  bool available = true;  // hmem: x86 only
  bool fits = false;      // every slice found room; else `why`
  std::string why;
  std::vector<Slice> slices;
  u64 kept = 0, onlined = 0, stranded = 0;  // stranded: neither kept nor onlined
  std::string carves_text;                   // the carves to boot with
};

// legacy, ramdax and hmem, in that order, for in.slices on in.carves.
std::vector<SliceEstimate> EstimateSlices(const NextBootInput& in);

std::string SliceEstimatesText(const NextBootInput& in, const std::vector<SliceEstimate>& estimates);
std::string SliceEstimatesJson(const NextBootInput& in, const std::vector<SliceEstimate>& estimates);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_SLICE_PLAN_H_
