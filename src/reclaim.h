// The reclaim itself: options -> probe -> plan -> apply -> report.  Every
// failure is one clear line and leaves memory as it was.
#ifndef PMEMRECLAIM_RECLAIM_H_
#define PMEMRECLAIM_RECLAIM_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cmdline.h"
#include "nvdimm.h"
#include "plan.h"
#include "report.h"
#include "system.h"

namespace pmemreclaim {

// What happened to one region, as the kernel reports it afterwards.
struct RegionOutcome {
  std::string region;
  RegionAction action = RegionAction::kLeave;
  bool ok = true;
  int blocks_onlined = 0;
  std::string message;
};

struct Outcome {
  bool touched = false;  // anything was written
  std::optional<Plan> plan;
  std::vector<RegionOutcome> regions;
  std::vector<u64> kmem_bytes;  // per carve, from /proc/iomem afterwards
};

// The modules each strategy needs, in load order.
std::vector<std::string> ModulesFor(Strategy strategy, const std::string& machine);

// `auto`: ramdax when the kernel has it and it onlines at least as much
// as legacy on these carves (fresh layouts), else legacy.
Strategy ChooseStrategy(const Machine& geometry, const std::vector<Range>& carves, u64 keep, bool have_ramdax);

// Is there a ramdax driver (module or built in)?  Loads the module, which
// binds nothing by itself (it only takes devices through driver_override).
bool RamdaxAvailable(SystemInterface& sys);

// Applies `plan`: creates or reuses devdax namespaces and onlines them in
// opts.zone.  The auto-online policy is set to "offline" while kmem binds
// and restored afterwards.
std::vector<RegionOutcome> Apply(const Plan& plan, Zone zone, SystemInterface& sys, NvdimmInterface& nvdimm);

// Bytes of "System RAM (kmem)" inside `r` in /proc/iomem.
u64 KmemBytesIn(SystemInterface& sys, const Range& r);

// The part of it whose memory blocks are online (kmem adds blocks that may
// stay offline): /sys/devices/system/memory/memoryN/state.
u64 OnlineKmemBytesIn(SystemInterface& sys, const Range& r, u64 block_size);

// After libdaxctl had its go (it stops at the first block the kernel
// refuses): onlines in `zone` each memory block of `online` that kmem added
// and that is still offline, through memoryN/state, and reads back what the
// kernel says, one BlockState per block.
std::vector<BlockState> OnlineBlocks(SystemInterface& sys, const Range& online, u64 block_size, Zone zone);

using NvdimmOpener = std::function<std::unique_ptr<NvdimmInterface>(std::string* err)>;

// The whole job for a parsed command line.  Never throws.
Outcome Reclaim(const Options& opts, SystemInterface& sys, const NvdimmOpener& open_nvdimm);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_RECLAIM_H_
