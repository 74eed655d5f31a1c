// SPDX-License-Identifier: GPL-2.0-or-later
// Handing a region's dax device to kmem and reading back what came online:
// the last step of every strategy.
#ifndef PMEMRECLAIM_KMEM_H_
#define PMEMRECLAIM_KMEM_H_

#include <functional>
#include <string>

#include "memory_block.h"
#include "nvdimm.h"
#include "outcome.h"
#include "plan.h"
#include "system.h"

namespace pmemreclaim {

// What the kernel says of the blocks of r.online after libdaxctl onlined
// them (`daxctl_err` empty) or gave up: offline ones are onlined one by one,
// and the result is one line in o->message.  `what`: "created devdax",
// "reused devdax", "dax0.1".
void FinishOnlining(const RegionPlan& r, const std::string& what, const Range& kept, u64 block_size, Zone zone,
                    const std::string& daxctl_err, SystemInterface& sys, RegionOutcome* o);

// The warning when the kernel refused memmap_on_memory for `what` (a
// region or a dax device): its blocks' memory map comes from RAM instead.
void SayMemmapRefused(const std::string& what, const KmemResult& kmem);

// legacy and ramdax: claims namespace `ns` of the region ("" = its only
// one) for devdax with pmemreclaim's mark over `claimed` (kCreateDevdax),
// or takes the one there (kReuseDevdax), then onlines it through kmem with
// the auto-online policy held.
void OnlineDevdaxRegion(const RegionPlan& r, const std::string& ns, const Range& claimed, const Range& kept,
                        u64 block_size, const KmemMode& mode, AutoOnlineHold& policy, SystemInterface& sys,
                        NvdimmInterface& nvdimm, RegionOutcome* o);

// The outcome of a region before anything is done to it: kKeep and kLeave
// say so in their message.
RegionOutcome StartOutcome(const RegionPlan& r);

// One region's step of a strategy's Apply: what to do with planned region
// `r` of `carve` (not kLeave), into *o (started by StartOutcome).
using RegionStep = std::function<void(const CarvePlan& carve, const RegionPlan& r, AutoOnlineHold& policy,
                                      RegionOutcome* o)>;

// The loop of legacy's and ramdax's Apply: every planned region in order,
// `step` for each one not left, the auto-online policy held (by the step,
// when it hands a device to kmem) until the end.  hmem has its own: kmem
// loads only once every kept device of every carve is bound to device_dax.
std::vector<RegionOutcome> ApplyRegions(const Plan& plan, SystemInterface& sys, const RegionStep& step);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_KMEM_H_
