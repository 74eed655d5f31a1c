// SPDX-License-Identifier: GPL-2.0-or-later
// The label-less strategy: nd_e820 (x86 memmap=nn!ss) or of_pmem (arm64
// pmem-region) regions, each outside the kept range claimed whole as a
// devdax with pmemreclaim's mark and onlined.  Also the label-less view of
// the carves that ramdax and auto look at before moving anything.
#ifndef PMEMRECLAIM_LEGACY_H_
#define PMEMRECLAIM_LEGACY_H_

#include <string>
#include <vector>

#include "strategy.h"

namespace pmemreclaim {

class LegacyStrategy : public ReclaimStrategy {
 public:
  Strategy id() const override { return Strategy::kLegacy; }
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
  const char* CarveHint() const override { return "memmap=nn!ss or pmem-region"; }
};

// The carves as the label-less drivers show them (their modules loaded
// first; nd_pmem and dax_pmem probe what each holds; the boot job's look,
// force_raw.h; apply probes namespaces without a driver again), every
// region marked carve or not (the driver logs those that are not).  False
// with *err.
bool ReadLabelLessCarves(SystemInterface& sys, NvdimmInterface& nvdimm, const Options& opts,
                         std::vector<RegionInfo>* regions, std::string* err);

// A signature is someone's data: every raw carve region with a namespace
// the kernel's probe refused (RegionInfo::unattached), or whose first
// 8 KiB hold an info block's signature the kernel did not take (a corrupt
// block, or one it does not recognise: it attached the namespace raw), or
// can't be read, becomes kOther with RegionInfo::holds saying which.  Only
// regions marked carve are read.
void JudgeRawCarves(NvdimmInterface& nvdimm, std::vector<RegionInfo>* regions);

// What the label-less view says the carve regions of platform device
// `device` ("e820_pmem") hold: "" when each is raw with no label index at
// its end (nothing to lose by moving it to ramdax), else a line.
std::string DeviceHoldings(const std::vector<RegionInfo>& regions, const std::string& device);

// A devdax of a carve with pmemreclaim's mark over its namespace (legacy
// and ramdax make them so).
bool MarkedCarveDevdax(SystemInterface& sys, const KmemDevice& device);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_LEGACY_H_
