// SPDX-License-Identifier: GPL-2.0-or-later
#include "ramdax.h"

#include <algorithm>

#include "cmdline.h"
#include "force_raw.h"
#include "kmem.h"
#include "legacy.h"
#include "log.h"
#include "mark.h"
#include "nvdimm.h"
#include "outcome.h"
#include "platform.h"
#include "probe.h"

namespace pmemreclaim {

bool RamdaxAvailable(SystemInterface& sys) {
  std::string err;
  return sys.LoadModule("ramdax", &err);
}

std::vector<std::string> RamdaxStrategy::Modules(const std::string& /*machine*/) const {
  return {"ramdax", "nd_pmem", "dax_pmem", "device_dax", "kmem"};
}

namespace {

// The platform device a region's bus sits on ("e820_pmem").
std::string PlatformDeviceOf(const RegionInfo& r) { return r.bus_device.substr(r.bus_device.rfind('/') + 1); }

// Binds ramdax to each carve's platform device whose carves hold nothing.
bool BindCarves(SystemInterface& sys, const std::vector<RegionInfo>& held, std::string* err) {
  for (const std::string& dev : PmemPlatformDevices(sys)) {
    const std::string holdings = DeviceHoldings(held, dev);
    if (!holdings.empty()) {
      LogWarning(dev + ": " + holdings + "; not moved to ramdax, left as it is");
      continue;
    }
    const std::string was = BoundDriver(sys, dev);
    std::string why;
    if (!BindRamdax(sys, dev, &why)) {
      *err = "cannot bind ramdax to " + dev + ": " + why;
      return false;
    }
    if (was != "ramdax") LogInfo(dev + ": bound to ramdax" + (was.empty() ? "" : " (was " + was + ")"));
  }
  return true;
}

}  // namespace

bool RamdaxStrategy::Prepare(SystemInterface& sys, NvdimmInterface& nvdimm, const Options& opts, Geometry* geometry,
                             std::string* err) const {
  const u64 keep = opts.keep;
  const bool dry_run = opts.dry_run;
  if (!RamdaxAvailable(sys)) {
    *err = "this kernel has no ramdax driver (Linux >= 6.19, CONFIG_RAMDAX): pmemreclaim=ramdax can't be done";
    return false;
  }
  // Look before switching: a carve that holds an info block stays where it
  // is.  (The look first: ramdax's module list loads nd_pmem.)
  std::vector<RegionInfo> held;
  if (!ReadLabelLessCarves(sys, nvdimm, opts, &held, err)) return false;
  // The boot job leaves device_dax for FinishBootLook: the devdax namespace
  // made below goes to kmem without device_dax mapping it whole first.
  const std::vector<std::string> modules = Modules(sys.Machine());
  if (!LoadModules(sys, BootLookMayRun(opts) ? WithoutDeviceDax(modules) : modules, err)) return false;
  // Binding takes the carves from nd_e820/of_pmem: check first, on the
  // carves' geometry, that the kept range leaves the label areas alone.
  Geometry bound;
  for (const RegionInfo& r : CarveRegions(held)) {
    if (r.range.size() > kLabelAreaSize) bound.regions.push_back(RamdaxRegionFor(r.name, r.range));
  }
  for (const CarvePlan& c : PlanRamdax(bound, keep).carves) {
    if (c.kept.Overlaps(Range{c.range.end - kLabelAreaSize, c.range.end})) {
      *err = "the kept range reaches into the label area of carve " + Describe(c.range) +
             " (its last 128 KiB): ramdax can't be used";
      return false;
    }
  }
  if (!dry_run && !BindCarves(sys, held, err)) return false;
  if (!ProbeFor(*this, sys, nvdimm, geometry, err)) return false;
  if (dry_run) {
    // Nothing bound: the carves still on nd_e820/of_pmem as ramdax would
    // show them, those that would not be moved left out.
    for (const RegionInfo& r : CarveRegions(held)) {
      if (r.range.size() <= kLabelAreaSize || !DeviceHoldings(held, PlatformDeviceOf(r)).empty()) continue;
      RegionInfo ramdax = RamdaxRegionFor(r.name, r.range);
      ramdax.bus_device = r.bus_device;
      ramdax.target_node = r.target_node;
      geometry->regions.push_back(ramdax);
    }
  }
  // The regions that are not carves, as the look saw them (the ramdax bus
  // has carves only): the driver's line and the record's `skipped` name them.
  for (const RegionInfo& r : held) {
    if (!r.carve) geometry->regions.push_back(r);
  }
  return true;
}

Plan RamdaxStrategy::MakePlan(const Geometry& geometry, u64 keep) const { return PlanRamdax(geometry, keep); }

bool RamdaxStrategy::MakeSlicePlan(const Geometry& geometry, const std::vector<SliceSpec>& slices, Plan* plan,
                                   std::string* err) const {
  return PlanRamdaxSlices(geometry, slices, plan, err);
}

namespace {

// A namespace of the region the plan keeps (not one it lays out again).
bool Stays(const RegionPlan& r, const NamespaceInfo& n) {
  return std::find(r.delete_first.begin(), r.delete_first.end(), n.devname) == r.delete_first.end();
}

// The earlier layout's namespaces, when the plan lays the carve out again.
bool DeleteEarlierLayout(const RegionPlan& r, NvdimmInterface& nvdimm, std::string* err) {
  for (const std::string& ns : r.delete_first) {
    if (!nvdimm.DeleteNamespace(r.region.name, ns, err)) {
      *err = "could not delete " + ns + " of the earlier layout (" + *err + "); nothing else written";
      return false;
    }
  }
  return true;
}

// A labelled namespace `name` with pmemreclaim's mark for `role` exactly
// over `extent`, or none: one the kernel placed elsewhere is deleted again
// (labels only: nothing under it was written).  Its name in *devname.
bool CreatePlacedNamespace(const RegionPlan& r, NvdimmInterface& nvdimm, const std::string& name, MarkRole role,
                           const Range& extent, bool enable, std::string* devname, std::string* err) {
  Range placed;
  if (!nvdimm.CreateNamespace(r.region.name, name, MarkUuid(role, extent), extent.size(), r.dax_align, enable, devname,
                              &placed, err)) {
    return false;
  }
  if (placed == extent) return true;
  std::string undo;
  nvdimm.DeleteNamespace(r.region.name, *devname, &undo);
  devname->clear();
  *err = "the kernel placed it at " + Describe(placed) + ", not " + Describe(extent) + "; given back";
  return false;
}

// Labels, then the namespace over the kept range, if not there yet; its
// name in *kept ("" when nothing is kept).
bool PrepareLabels(const RegionPlan& r, NvdimmInterface& nvdimm, std::string* kept, std::string* err) {
  if (r.init_labels && !nvdimm.InitLabels(r.region.name, err)) {
    *err = "could not initialise the label area (" + *err + "); nothing else written";
    return false;
  }
  if (!DeleteEarlierLayout(r, nvdimm, err)) return false;
  if (r.keep_extent.empty()) return true;
  for (const NamespaceInfo& n : r.region.namespaces) {
    if (n.alt_name == kKeepNamespaceName && Stays(r, n)) {  // from an earlier boot
      *kept = n.devname;
      return true;
    }
  }
  if (!CreatePlacedNamespace(r, nvdimm, kKeepNamespaceName, MarkRole::kKeepNamespace, r.keep_extent,
                             /*enable=*/true, kept, err)) {
    *err = "could not create the kept namespace (" + *err + "); kept bytes untouched, nothing else written";
    return false;
  }
  LogInfo(r.region.name + ": kept range " + Describe(r.keep_extent) + " is " + *kept);
  return true;
}

// The devdax namespace: the one of an earlier run (even without its info
// block, from a run stopped midway), else made now.  "" with *err.
std::string DaxNamespace(const RegionPlan& r, NvdimmInterface& nvdimm, std::string* err) {
  for (const NamespaceInfo& n : r.region.namespaces) {
    if (n.alt_name == kDaxNamespaceName && Stays(r, n)) return n.devname;
  }
  if (r.action == RegionAction::kReuseDevdax) {
    *err = "its devdax namespace is not there any more";
    return "";
  }
  std::string ns;
  if (!CreatePlacedNamespace(r, nvdimm, kDaxNamespaceName, MarkRole::kDaxNamespace, r.dax_extent, /*enable=*/false,
                             &ns, err)) {
    *err = "could not create the devdax namespace (" + *err + "); nothing else written";
    return "";
  }
  return ns;
}

// A named slice's devdax: its namespace of an earlier boot (claimed, or
// made by a run stopped before the claim), else made now, then claimed
// with the slice's align; the kernel must put the data exactly on the
// slice (the info block lands in the namespace's first 8 KiB, before it).
// Its dax device in *device.
bool MakeSliceDevdax(const RegionPlan& r, const SlicePlan& slice, NvdimmInterface& nvdimm, std::string* device,
                     std::string* err) {
  const std::string name = kSliceNamespacePrefix + slice.name;
  std::string ns;
  bool claimed = false;
  for (const NamespaceInfo& n : r.region.namespaces) {
    if (n.alt_name == name && n.range == slice.extent) ns = n.devname, claimed = n.devdax;
  }
  if (ns.empty() && !CreatePlacedNamespace(r, nvdimm, name, MarkRole::kSliceNamespace, slice.extent, /*enable=*/false,
                                           &ns, err)) {
    *err = "slice " + slice.name + ": could not create its namespace (" + *err + ")";
    return false;
  }
  if (!claimed) {
    Range data;
    if (!nvdimm.CreateDevdax(r.region.name, ns, slice.align, MarkUuid(MarkRole::kDevdax, slice.extent), &data, err)) {
      *err = "slice " + slice.name + ": " + ns + ": could not claim it for devdax (" + *err + ")";
      return false;
    }
    if (data != slice.range) {
      *err = "slice " + slice.name + ": " + ns + ": the kernel put its data at " + Describe(data) + ", not " +
             Describe(slice.range);
      return false;
    }
  }
  *device = nvdimm.DaxDeviceOf(r.region.name, ns);
  if (device->empty()) {
    *err = "slice " + slice.name + ": " + ns + " shows no dax device";
    return false;
  }
  return true;
}

// Labels, then each named slice's devdax in order; false (*err) at the
// first that can't be made (the slices before it stay).
bool MakeSlices(const RegionPlan& r, NvdimmInterface& nvdimm, RegionOutcome* o, std::string* err) {
  if (r.init_labels && !nvdimm.InitLabels(r.region.name, err)) {
    *err = "could not initialise the label area (" + *err + "); nothing else written";
    return false;
  }
  for (size_t k = 0; k < r.slices.size(); ++k) {
    if (!MakeSliceDevdax(r, r.slices[k], nvdimm, &o->slice_devices[k], err)) return false;
  }
  return true;
}

}  // namespace

std::vector<RegionOutcome> RamdaxStrategy::Apply(const Plan& plan, const KmemMode& mode, SystemInterface& sys,
                                                 NvdimmInterface& nvdimm) const {
  return ApplyRegions(plan, sys, [&](const CarvePlan& carve, const RegionPlan& r, AutoOnlineHold& policy,
                                     RegionOutcome* o) {
    std::string err;
    for (const NamespaceInfo& n : r.region.namespaces) {
      if (n.alt_name == kKeepNamespaceName && Stays(r, n)) o->kept_device = n.devname;
    }
    if (!r.slices.empty() ? !MakeSlices(r, nvdimm, o, &err)
                          : r.action != RegionAction::kReuseDevdax && !PrepareLabels(r, nvdimm, &o->kept_device, &err)) {
      o->ok = false;
      o->message = r.region.name + ": " + err;
    } else if (r.action == RegionAction::kKeep && !r.slices.empty()) {
      o->message = r.region.name + " " + Describe(r.region.range) + ": " + std::to_string(r.slices.size()) +
                   " slice devices, nothing to online: " + Why(r);
    } else if (r.action == RegionAction::kKeep) {
      o->message = r.region.name + " " + Describe(r.region.range) + ": kept range is namespace " +
                   Describe(r.keep_extent) + ", untouched";
    } else {
      const std::string ns = DaxNamespace(r, nvdimm, &err);
      if (ns.empty()) {
        o->ok = false;
        o->message = r.region.name + ": " + err;
      } else {
        OnlineDevdaxRegion(r, ns, r.dax_extent, carve.kept, plan.block_size, mode, policy, sys, nvdimm, o);
      }
    }
  });
}

std::vector<RegionInfo> RamdaxStrategy::Regions(SystemInterface& sys, NvdimmInterface& nvdimm) const {
  std::vector<RegionInfo> regions = nvdimm.RamdaxRegions();
  FindCarves(sys, &regions);
  return regions;
}

bool RamdaxStrategy::Onlined(SystemInterface& sys, const KmemDevice& device) const {
  return MarkedCarveDevdax(sys, device);
}

}  // namespace pmemreclaim
