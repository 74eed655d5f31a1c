// SPDX-License-Identifier: GPL-2.0-or-later
// The three ways pmemreclaim lays out a carve, and the interface each one
// implements in its own file (legacy.h, ramdax.h, hmem.h).  One driver
// (reclaim.h) runs any of them for apply, boot and plan, and resolves auto.
#ifndef PMEMRECLAIM_STRATEGY_H_
#define PMEMRECLAIM_STRATEGY_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "size.h"

namespace pmemreclaim {

enum class Strategy { kAuto, kLegacy, kRamdax, kHmem, kOff };
const char* StrategyName(Strategy s);
std::optional<Strategy> ParseStrategy(std::string_view name);

struct KmemDevice;
struct Geometry;
struct Options;
struct Plan;
struct RegionInfo;
struct RegionOutcome;
struct SliceSpec;
class NvdimmInterface;
class SystemInterface;
enum class Zone;
struct KmemMode;

// One strategy, from the kernel modules it needs to what `status` and
// `release` show of it.
class ReclaimStrategy {
 public:
  virtual ~ReclaimStrategy() = default;
  virtual Strategy id() const = 0;

  // The kernel modules it loads on `machine` ("x86_64", "aarch64"), in
  // load order (a module string may carry parameters).
  virtual std::vector<std::string> Modules(const std::string& machine) const = 0;

  // Loads its modules and readies the carves for it (ramdax binds their
  // platform devices, except in a dry run; the kept bytes may rule a
  // layout out; the boot job's look is cheaper: force_raw.h), then reads
  // what it plans on:
  // the geometry and its regions, each marked carve or not, into *geometry,
  // through `nvdimm` (rescanned after each step that changes the buses).
  // False with *err when it can't; every carve is then as it was.
  virtual bool Prepare(SystemInterface& sys, NvdimmInterface& nvdimm, const Options& opts, Geometry* geometry,
                       std::string* err) const = 0;

  // Its planner (pure).
  virtual Plan MakePlan(const Geometry& geometry, u64 keep) const = 0;

  // Its planner for named slices (pmemreclaim.keep=NAME:SIZE,..., pure):
  // false with *err when they do not fit the carves, or when it does not
  // lay slices out (the default).
  virtual bool MakeSlicePlan(const Geometry& geometry, const std::vector<SliceSpec>& slices, Plan* plan,
                             std::string* err) const;

  // Carries the plan out, one outcome per planned region.  The auto-online
  // policy is held at "offline" while devices go to kmem.
  virtual std::vector<RegionOutcome> Apply(const Plan& plan, const KmemMode& mode, SystemInterface& sys,
                                           NvdimmInterface& nvdimm) const = 0;

  // What it has on the running system, for `status`: its regions as the
  // kernel shows them now (nothing loaded, bound or written).
  virtual std::vector<RegionInfo> Regions(SystemInterface& sys, NvdimmInterface& nvdimm) const = 0;

  // For `release`: was this kmem device onlined by this strategy?
  virtual bool Onlined(SystemInterface& sys, const KmemDevice& device) const = 0;

  // What a carve for it looks like, for "nothing to do" lines.
  virtual const char* CarveHint() const = 0;
};

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_STRATEGY_H_
