// SPDX-License-Identifier: GPL-2.0-or-later
#include "reason.h"

namespace pmemreclaim {

const char* ReasonName(Reason r) {
  switch (r) {
    case Reason::kNone: return "";
    case Reason::kKept: return "kept";
    case Reason::kPartlyKept: return "partly-kept";
    case Reason::kForeignInfoBlock: return "foreign-info-block";
    case Reason::kForeignNamespace: return "foreign-namespace";
    case Reason::kForeignDaxDevices: return "foreign-dax-devices";
    case Reason::kKmemHoldsKept: return "kmem-holds-kept";
    case Reason::kLabelArea: return "label-area";
    case Reason::kKeptInLabelArea: return "kept-in-label-area";
    case Reason::kUnaligned: return "unaligned";
    case Reason::kNoNumaNode: return "no-numa-node";
    case Reason::kTooSmall: return "too-small";
    case Reason::kSliceSplit: return "slice-split";
    case Reason::kSlicesMoved: return "slices-moved";
    case Reason::kLaidOutAgain: return "laid-out-again";
    case Reason::kNotACarve: return "not-a-carve";
    case Reason::kFirmwarePmem: return "firmware-pmem";
    case Reason::kFailed: return "failed";
  }
  return "?";
}

namespace {

const char* Sentence(Reason r) {
  switch (r) {
    case Reason::kNone: return "";
    case Reason::kKept: return "inside the kept range";
    case Reason::kPartlyKept:
      return "the kept range ends inside it, where no info block or namespace may start without landing on kept data";
    case Reason::kForeignInfoBlock:
      return "it holds an info block pmemreclaim did not make: someone's data";
    case Reason::kForeignNamespace: return "it holds a namespace that pmemreclaim did not make";
    case Reason::kForeignDaxDevices: return "its dax devices are not as pmemreclaim splits it";
    case Reason::kKmemHoldsKept:
      return "kmem holds a dax device over the kept range (was kmem loaded before dax_hmem?): nothing can be kept "
             "there now";
    case Reason::kLabelArea: return "its last 128 KiB hold a namespace label index: a labelled (ramdax) layout";
    case Reason::kKeptInLabelArea:
      return "the kept range reaches into the label area (the last 128 KiB of the carve): nothing written";
    case Reason::kUnaligned: return "its start is not 2 MiB aligned: the kernel makes no devdax or namespace there";
    case Reason::kNoNumaNode: return "it has no NUMA node: kmem would reject its dax device";
    case Reason::kTooSmall:
      return "too small: after the info block and alignment to memory blocks nothing is left to online";
    case Reason::kSliceSplit:
      return "a named slice lies in it but is not a carve region of its own: nothing written (the advice gives the "
             "memmap= carves that lay the slices out)";
    case Reason::kSlicesMoved:
      return "its label area holds named slices of an earlier boot at other places or with other names: nothing "
             "written, slices never move (the same pmemreclaim.keep= finds them again)";
    case Reason::kLaidOutAgain:
      return "its layout of an earlier boot kept another size: laid out again, the bytes kept in both untouched";
    case Reason::kNotACarve: return "not RAM carved out as pmem";
    case Reason::kFirmwarePmem: return "firmware persistent memory, not RAM carved out";
    case Reason::kFailed: return "a step failed: the carve's errors say which";
  }
  return "?";
}

}  // namespace

std::string Explain(Reason r, const std::string& detail) {
  const std::string s = Sentence(r);
  if (detail.empty()) return s;
  return s.empty() ? detail : s + " (" + detail + ")";
}

}  // namespace pmemreclaim
