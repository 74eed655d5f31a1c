// SPDX-License-Identifier: GPL-2.0-or-later
// The planner: from what the machine has (regions, memory-block size, dax
// alignment) and what the user asked (strategy, kept bytes) to what to do
// with each region, what that onlines and loses, and which carve would lose
// less on the next boot.  Pure: no system access, exhaustively unit tested.
#ifndef PMEMRECLAIM_PLAN_H_
#define PMEMRECLAIM_PLAN_H_

#include <string>
#include <vector>

#include "range.h"
#include "reason.h"
#include "region.h"
#include "size.h"
#include "slices.h"
#include "strategy.h"

namespace pmemreclaim {

enum class Arch { kX86_64, kArm64 };
const char* ArchName(Arch a);

// The pfn/dax info block lives in the first 8 KiB of a namespace
// (drivers/nvdimm/pfn_devs.c: SZ_8K reserve); devdax data starts at the
// first `align` boundary after it, and a namespace must start on a
// memremap_compat_align() (2 MiB, the subsection size) boundary.
constexpr u64 kInfoBlockReserve = 8 * kKiB;
constexpr u64 kSubsection = 2 * kMiB;

struct Geometry {
  Arch arch = Arch::kX86_64;
  u64 block_size = 128 * kMiB;  // /sys/devices/system/memory/block_size_bytes
  // Where the kernel starts devdax data: the first dax_align boundary after
  // the namespace start + 8 KiB (the PMD size: 2 MiB with 4K pages; measured
  // 32 MiB with 16K pages, also for a devdax of 16 KiB alignment).
  // Namespaces themselves only need 2 MiB (memremap_compat_align()), so a
  // namespace 2 MiB below a dax_align boundary loses 2 MiB on every page size.
  u64 dax_align = 2 * kMiB;
  // The alignment of the devdax devices pmemreclaim makes: the page size.
  // Their memory goes to kmem, which maps no huge pages, and a devdax of
  // PMD alignment on a namespace not PMD-aligned makes device_dax Oops
  // (arm64 16K: compound pages from a misaligned start).
  u64 page_size = 4 * kKiB;
  std::vector<Range> ram;       // System RAM (for next-boot advice); may be empty
  std::vector<RegionInfo> regions;
};

// A named kept slice (pmemreclaim.keep=NAME:SIZE[@ALIGN], slices.h) where
// the plan puts it: its bytes are never written and never onlined.  hmem
// gives it a dax device of exactly `range` with `align`; legacy a carve
// region of exactly `range`, left raw.
struct SlicePlan {
  std::string name;
  Range range;
  u64 align = 0;
  // ramdax: the slice's devdax namespace, from the end of what is before
  // it: its info block and padding, then exactly `range` as devdax data.
  Range extent;
  bool operator==(const SlicePlan& o) const { return name == o.name && range == o.range && align == o.align; }
};

enum class RegionAction {
  kKeep,          // inside the kept range: never written
  kCreateDevdax,  // write a devdax info block, then online `online`
  kReuseDevdax,   // devdax of our layout from an earlier boot: online `online`
  kLeave,         // left untouched, `reason` says why
};
const char* RegionActionName(RegionAction a);

struct RegionPlan {
  RegionInfo region;
  RegionAction action = RegionAction::kLeave;
  u64 dax_align = 0;     // where devdax data starts: Geometry::dax_align, at least 2 MiB
  u64 device_align = 0;  // the devdax device's own alignment: Geometry::page_size
  Range data;         // devdax data range
  Range online;       // block-aligned range kmem will add (may be empty)
  // Why it is left, kept or laid out again (kNone: done as planned), and
  // this region's facts for the sentence (Why).
  Reason reason = Reason::kNone;
  std::string detail;
  // ramdax: labels to initialise.
  bool init_labels = false;
  // What holds the kept bytes and what holds the devdax data: ramdax: two
  // namespaces (the kept one raw, exactly over the kept bytes rounded up to
  // the dax alignment); hmem: two dax devices (the kept one bound to
  // device_dax, the other one for kmem).
  Range keep_extent;
  Range dax_extent;
  // ramdax: pmemreclaim's namespaces of an earlier boot's layout (another
  // keep) to delete before the new layout is made, the devdax one first.
  // Only labels change: the kept bytes both layouts share are not written.
  std::vector<std::string> delete_first;
  // Named slices inside this region, in address order (inside keep_extent
  // for hmem; the whole region for legacy).
  std::vector<SlicePlan> slices;
};

// A carve: one maximal run of adjacent pmem regions (adjacent memmap=
// carves stay separate regions but were one piece of RAM).
// The sentence for a region's reason.
inline std::string Why(const RegionPlan& p) { return Explain(p.reason, p.detail); }

struct CarvePlan {
  Range range;
  // The kept range inside this carve (may be empty); with named slices the
  // span from the first slice to the end of the last, never onlined.
  Range kept;
  // Bytes of `kept` no slice holds (named slices: the alignment gaps between
  // them), lost with the rest.
  u64 between = 0;
  u64 KeptBytes() const { return kept.size() - between; }
  u64 onlined = 0;
  u64 lost = 0;  // range.size() - KeptBytes() - onlined
  std::vector<RegionPlan> regions;
  std::vector<Range> advice;  // a carve for the next boot that loses less; empty if none
  // arm64: the carve is outside RAM because of mem=; an advice that starts
  // lower needs mem= lowered to this size (0: no change).
  u64 advice_mem = 0;
  // Named slices on ramdax: the carve as soft-reserved memory (hmem), when
  // that would lose less, as a sentence with its bytes and the memmap=;
  // "" otherwise.
  std::string better;
  int numa_node = 0;        // for device-tree advice
  bool needs_numa = false;  // a region has no NUMA node: the fix is in the device tree
};

struct Plan {
  Strategy strategy = Strategy::kLegacy;
  Arch arch = Arch::kX86_64;  // how carves are written (FormatCarves)
  u64 block_size = 0;
  std::vector<CarvePlan> carves;
};

// The kept range: `keep` bytes from the lowest region's start (empty
// regions: an empty range), saturating at the top of the address space.
Range KeptRange(const std::vector<RegionInfo>& sorted, u64 keep);

// Groups regions into carves, sorted by address.
std::vector<std::vector<RegionInfo>> GroupCarves(std::vector<RegionInfo> regions);

// The devdax data range the kernel gives a label-less namespace `ns` with
// map=mem and alignment `align` (nd_pfn_init): empty if none fits.
Range DevdaxData(const Range& ns, u64 align);

// The label-less strategy: every region outside the kept range becomes
// devdax and is onlined; regions inside it stay raw.  `keep` bytes are kept
// at the start of every carve.
Plan PlanLegacy(const Geometry& geometry, u64 keep);

// Named slices on label-less carves: a region of exactly a slice's range is
// kept (left raw); a region holding part of a slice is left alone; the
// others are planned as PlanLegacy does.  A carve whose regions are not
// the slices' gets the memmap= carves that lay them out as its advice.
// False (*err, nothing planned) when the slices do not fit the carves.
bool PlanLegacySlices(const Geometry& geometry, const std::vector<SliceSpec>& slices, Plan* plan, std::string* err);

// Carves for the next boot, as close as the RAM layout allows to `carve`,
// that keep `keep` bytes at its start and lose only the info block:
// a kept carve (if keep > 0) and a devdax carve starting `align` below a
// block boundary.  `available` is where a carve may go (RAM and the old
// carve); empty means "only inside the old carve".
std::vector<Range> AdviseLegacyCarve(const Range& carve, u64 keep, u64 block_size, u64 align,
                                     const std::vector<Range>& available);

// The end-labeled strategy (ramdax, Linux >= 6.19): per carve, a raw
// namespace over the kept bytes, then a devdax namespace whose data starts
// on the first block boundary after it.  Regions must be `labelled`.
Plan PlanRamdax(const Geometry& geometry, u64 keep);

// Named slices on end-labeled carves: a devdax namespace per slice whose
// data the kernel starts exactly on the slice (its info block and padding
// in the bytes before it, after the previous slice), the rest one devdax
// namespace for kmem.  A region whose label area holds any other layout
// (an earlier boot's slices elsewhere, someone's namespace) is left:
// slices never move.  False (*err, nothing planned) when they do not fit.
bool PlanRamdaxSlices(const Geometry& geometry, const std::vector<SliceSpec>& slices, Plan* plan, std::string* err);

// The ramdax carve for the next boot that keeps `keep` bytes at its start
// and loses only the info block and the label area.
std::vector<Range> AdviseRamdaxCarve(const Range& carve, u64 keep, u64 block_size, u64 align,
                                     const std::vector<Range>& available);

// Bytes a single ramdax carve would lose (fresh labels).
u64 RamdaxLoss(const Range& carve, u64 keep, u64 block_size, u64 align);

// Bytes the given carves would lose under the legacy strategy.
u64 LegacyLoss(const std::vector<Range>& carves, u64 keep, u64 block_size, u64 align);

// Soft-reserved carves (dax_hmem): no info block.  A kept device at the
// carve start (rounded up to 2 MiB, and up to the next block when that
// costs nothing), the rest one device onlined by kmem.
Plan PlanHmem(const Geometry& geometry, u64 keep);

// Named slices on soft-reserved carves: a dax device of exactly each slice
// (its `align`), in order from the region start, a device over each gap
// the alignment leaves, the rest of the region one device for kmem.
// False (*err, nothing planned) when the slices do not fit the regions.
bool PlanHmemSlices(const Geometry& geometry, const std::vector<SliceSpec>& slices, Plan* plan, std::string* err);


// The dax devices of a planned soft-reserved region, in address order: the
// kept device (keep_extent) or, with named slices, each slice and each gap
// before one; then dax_extent for kmem.
std::vector<HmemDeviceSpec> HmemDevicesOf(const RegionPlan& p);

// What ShapeHmem (nvdimm.h) does with a soft-reserved region asked for the
// devices `want` (in address order), given its sized dax devices now
// (`devices`, sorted by address) and the name of its first device
// (dax_hmem's own, the only one of a region not split).
enum class HmemShapeStep {
  kShaped,  // exactly those devices already (an earlier run): kept as they are
  kSplit,   // idle, or one device of its own no kmem holds: resize it, add the others
  kRefuse,  // any other layout is not pmemreclaim's to change
};
HmemShapeStep NextHmemShapeStep(const std::vector<DaxDeviceInfo>& devices, const std::string& first,
                                const std::vector<HmemDeviceSpec>& want);

// "memmap=126M!4G memmap=0x78200000!0x107e00000" (x86) or device-tree
// pmem-region nodes (arm64, with numa-node-id) for a set of carves.
std::string FormatCarves(Arch arch, const std::vector<Range>& carves, int numa_node = 0);

// One line per carve: "carve [..]: 2 GiB, kept 0 B, onlined 1920 MiB, lost
// 128 MiB; next boot: memmap=...".
std::string SummaryLine(Arch arch, const CarvePlan& carve);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_PLAN_H_
