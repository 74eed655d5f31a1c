// SPDX-License-Identifier: GPL-2.0-or-later
// Why a region was left, refused, kept or only partly done, as a value: a
// program reads the stable kebab-case name (the handoff record, `apply
// --json`, `plan --json`); people read the sentence, which is made here and
// nowhere else.  Names are only ever added, never changed.
#ifndef PMEMRECLAIM_REASON_H_
#define PMEMRECLAIM_REASON_H_

#include <string>

namespace pmemreclaim {

enum class Reason {
  kNone,              // done as planned
  kKept,              // inside the kept range: its bytes are never written
  kPartlyKept,        // the kept range ends inside it, where no info block or namespace may start
  kForeignInfoBlock,  // an info block (btt, fsdax, devdax) pmemreclaim did not write, refused or corrupt
  kForeignNamespace,  // ramdax: a labelled namespace pmemreclaim did not make
  kForeignDaxDevices, // hmem: dax devices not split as pmemreclaim splits
  kKmemHoldsKept,     // hmem: kmem already holds a dax device over the kept range
  kLabelArea,         // a label-less region whose last 128 KiB hold a namespace label index
  kKeptInLabelArea,   // ramdax: the kept range reaches into the carve's label area
  kUnaligned,         // it does not start on a 2 MiB boundary
  kNoNumaNode,        // kmem would reject its dax device
  kTooSmall,          // nothing left to online after the info block and block alignment
  kSliceSplit,        // legacy: a named slice lies partly in it: not a carve region of its own
  kSlicesMoved,       // ramdax: its namespaces are an earlier boot's slices elsewhere: nothing moves
  kLaidOutAgain,      // ramdax: an earlier boot's layout for another keep, laid out again
  kNotACarve,         // not RAM carved out as pmem (NFIT, virtio-pmem, CXL, ...): never touched
  kFirmwarePmem,      // on a carve's platform device, but firmware persistent memory, not RAM
  kFailed,            // the kernel refused a step; the carve's errors say which
};

// The stable name: "", "kept", "partly-kept", "foreign-info-block", ...
const char* ReasonName(Reason r);

// The English: the reason's sentence, then `detail` (the region's own
// facts: a uuid, a range, a size) in parentheses when there is one.
std::string Explain(Reason r, const std::string& detail = "");

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_REASON_H_
