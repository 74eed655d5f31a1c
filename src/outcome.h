// SPDX-License-Identifier: GPL-2.0-or-later
// What a run did, as the kernel reports it afterwards: structured, so that
// tests and `apply --json` read fields rather than log sentences.
#ifndef PMEMRECLAIM_OUTCOME_H_
#define PMEMRECLAIM_OUTCOME_H_

#include <optional>
#include <string>
#include <vector>

#include "plan.h"

namespace pmemreclaim {

// A memory block of a region's online range that stayed offline, and the
// kernel's error.
struct OfflineBlock {
  u64 block = 0;  // memoryN
  std::string error;
};

// A region that is not a carve (NFIT, virtio-pmem, CXL, firmware pmem):
// seen, never touched.
struct SkippedRegion {
  std::string name;  // "region0"
  Range range;
  std::string bus;   // the bus provider ("ACPI.NFIT", "virtio_pmem", "e820")
  Reason reason = Reason::kNotACarve;
};

// What happened to one region.
struct RegionOutcome {
  std::string region;
  RegionAction action = RegionAction::kLeave;
  bool ok = true;
  int blocks_onlined = 0;
  std::vector<OfflineBlock> blocks_offline;
  std::string message;
  // What holds kept bytes of this region afterwards: its namespace (legacy;
  // the region's name when it has none), the kept namespace (ramdax,
  // "namespace0.0") or the kept dax device (hmem, "dax0.0"); "" when none.
  std::string kept_device;
  // The dax device pmemreclaim gave to kmem for this region (hmem: the
  // device it made or found of its own split); "" when none.  The record
  // lists them, and `release` gives back only those (hmem has no mark).
  std::string online_device;
  // The device of each of the region's named slices (RegionPlan::slices, in
  // its order): hmem its dax device, legacy the region's namespace; "" for
  // one not made.
  std::vector<std::string> slice_devices;
};

struct Outcome {
  Strategy strategy = Strategy::kOff;  // the one that ran (auto resolved); kOff: none
  std::string error;                   // why nothing was done, when that is an error
  bool touched = false;                // anything was written
  std::optional<Plan> plan;
  std::vector<RegionOutcome> regions;
  std::vector<SkippedRegion> skipped;
  std::vector<u64> kmem_bytes;  // per carve, online kmem bytes from the kernel afterwards
  // Did every planned region end as planned (and nothing fail before)?
  bool ok() const {
    if (!error.empty()) return false;
    for (const RegionOutcome& r : regions) {
      if (!r.ok) return false;
    }
    return true;
  }
};

// The outcome of planned region `r` among a run's outcomes (one per planned
// region); nullptr when there is none (a dry run).
const RegionOutcome* OutcomeOf(const RegionPlan& r, const std::vector<RegionOutcome>& done);

// The reason a region ends with: the plan's, or kFailed when a step failed
// (never for a region left as it was).
Reason OutcomeReason(const RegionPlan& planned, const RegionOutcome* done);

// {"strategy":..,"ok":..,"error":..,"touched":..,"regions":[..],"carves":[..{..,"regions":[..]}],
//  "skipped":[..]}
std::string OutcomeJson(const Outcome& outcome);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_OUTCOME_H_
