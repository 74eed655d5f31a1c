// SPDX-License-Identifier: GPL-2.0-or-later
// The end-labeled strategy (Linux >= 6.19 ramdax): each carve's platform
// device is moved from nd_e820/of_pmem to ramdax, which keeps namespace
// labels in the carve's last 128 KiB; a raw namespace over the kept bytes
// and a devdax namespace whose data starts on a memory-block boundary.
// Nothing is moved where the label-less view shows an info block.
#ifndef PMEMRECLAIM_RAMDAX_H_
#define PMEMRECLAIM_RAMDAX_H_

#include <string>
#include <vector>

#include "strategy.h"

namespace pmemreclaim {

class RamdaxStrategy : public ReclaimStrategy {
 public:
  Strategy id() const override { return Strategy::kRamdax; }
  std::vector<std::string> Modules(const std::string& machine) const override;
  // Looks at the carves through the label-less drivers first; refuses a
  // `keep` that reaches into a carve's label area, before binding anything; binds ramdax to each
  // platform device whose carves hold nothing (not in a dry run, where the
  // regions are those ramdax would show).
  bool Prepare(SystemInterface& sys, NvdimmInterface& nvdimm, const Options& opts, Geometry* geometry,
               std::string* err) const override;
  Plan MakePlan(const Geometry& geometry, u64 keep) const override;
  bool MakeSlicePlan(const Geometry& geometry, const std::vector<SliceSpec>& slices, Plan* plan,
                     std::string* err) const override;
  std::vector<RegionOutcome> Apply(const Plan& plan, const KmemMode& mode, SystemInterface& sys,
                                   NvdimmInterface& nvdimm) const override;
  std::vector<RegionInfo> Regions(SystemInterface& sys, NvdimmInterface& nvdimm) const override;
  bool Onlined(SystemInterface& sys, const KmemDevice& device) const override;
  const char* CarveHint() const override { return "memmap=nn!ss or pmem-region"; }
};

// Is there a ramdax driver (module or built in)?  Loads the module, which
// binds nothing by itself (it only takes devices through driver_override).
bool RamdaxAvailable(SystemInterface& sys);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_RAMDAX_H_
