// SPDX-License-Identifier: GPL-2.0-or-later
// Soft-reserved carves (x86 memmap=SIZE%START-1+0xefffffff, EFI_MEMORY_SP)
// through dax_hmem: no info block, no labels.  dax_hmem is loaded with
// region_idle=1, so its regions come up with no dax device and are not
// handed to kmem by default (Linux >= 6.3 would): nothing can online the
// kept range - not kmem loaded later by udev, nor a run stopped midway.
// The kept device (or, with named slices, one device per slice and per
// alignment gap) is made first and bound to device_dax, the rest is one
// device for kmem (loaded only then).
#ifndef PMEMRECLAIM_HMEM_H_
#define PMEMRECLAIM_HMEM_H_

#include <string>
#include <vector>

#include "strategy.h"

namespace pmemreclaim {

class HmemStrategy : public ReclaimStrategy {
 public:
  Strategy id() const override { return Strategy::kHmem; }
  std::vector<std::string> Modules(const std::string& machine) const override;
  bool Prepare(SystemInterface& sys, NvdimmInterface& nvdimm, const Options& opts, Geometry* geometry,
               std::string* err) const override;
  Plan MakePlan(const Geometry& geometry, u64 keep) const override;
  bool MakeSlicePlan(const Geometry& geometry, const std::vector<SliceSpec>& slices, Plan* plan,
                     std::string* err) const override;
  std::vector<RegionOutcome> Apply(const Plan& plan, const KmemMode& mode, SystemInterface& sys,
                                   NvdimmInterface& nvdimm) const override;
  std::vector<RegionInfo> Regions(SystemInterface& sys, NvdimmInterface& nvdimm) const override;
  bool Onlined(SystemInterface& sys, const KmemDevice& device) const override;
  const char* CarveHint() const override { return "memmap=SIZE%START-1+0xefffffff or EFI_MEMORY_SP"; }
};

// Does this machine show soft-reserved memory to dax_hmem (an hmem
// platform device)?
bool HasSoftReserved(SystemInterface& sys);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_HMEM_H_
