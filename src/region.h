// SPDX-License-Identifier: GPL-2.0-or-later
// The domain objects the kernel shows: a region (of a carve or not), its
// namespaces and dax devices, as read by the device layer (nvdimm.h) and
// planned by the strategies.  Plain data.
#ifndef PMEMRECLAIM_REGION_H_
#define PMEMRECLAIM_REGION_H_

#include <string>
#include <vector>

#include "range.h"
#include "size.h"

namespace pmemreclaim {

// What a legacy (label-less) region already holds.
enum class RegionState {
  kRaw,     // its namespace is plain pmem (or not enabled)
  kDevdax,  // its namespace carries an enabled device-dax (info block)
  kOther,   // btt, fsdax pfn, an info block the kernel refused or did not
            // recognise, or something unknown: someone's data
};

// The label area ramdax keeps at the end of each carve.
constexpr u64 kLabelAreaSize = 128 * kKiB;
// Names (labels) that mark the namespaces pmemreclaim makes with ramdax.
constexpr char kKeepNamespaceName[] = "pmemreclaim-keep";
constexpr char kDaxNamespaceName[] = "pmemreclaim-dax";
// ramdax: a named slice's namespace is "pmemreclaim-slice-NAME".
constexpr char kSliceNamespacePrefix[] = "pmemreclaim-slice-";

// A labelled namespace (ramdax).
struct NamespaceInfo {
  std::string devname;   // "namespace0.0"
  std::string alt_name;  // the label's name
  std::string uuid;      // the label's uuid
  Range range;
  bool devdax = false;   // claimed by an enabled device-dax
  Range dax_data;
  std::string dax_uuid;  // devdax: its info block's uuid
  std::string dax_device;  // devdax: its dax device ("dax1.0"), "" if the kernel shows none
};

// A dax device of a soft-reserved (hmem) region.
struct DaxDeviceInfo {
  std::string devname;  // "dax0.1"
  Range range;
  std::string driver;   // "device_dax", "kmem" or "" (none bound)
};

// A dax device ShapeHmem (nvdimm.h) is to make: `range` with `align` (0: the
// region's), bound to device_dax when `kept` (never to kmem), else left
// for kmem.
struct HmemDeviceSpec {
  Range range;
  u64 align = 0;
  bool kept = true;
  bool operator==(const HmemDeviceSpec& o) const { return range == o.range && align == o.align && kept == o.kept; }
};

struct RegionInfo {
  std::string name;  // "region0"
  Range range;       // the region (for ramdax: the carve less its label area)
  // The kernel says this region is RAM carved out as pmem: its nd bus sits
  // on an e820_pmem or pmem-region platform device (or it is soft-reserved
  // memory of dax_hmem).  Nothing else (NFIT NVDIMMs, virtio-pmem, CXL) is
  // ever planned: the planners skip regions without it.
  bool carve = false;
  std::string bus_device;  // the device the region's bus sits on (sysfs path)
  // On a carve's platform device (e820_pmem) but firmware persistent memory,
  // not RAM: not a carve, and its device is never moved to ramdax.
  bool firmware_pmem = false;
  std::string provider;    // the bus provider ("e820", "ACPI.NFIT", ...)
  RegionState state = RegionState::kRaw;
  std::string namespace_name;  // label-less: its one namespace ("namespace0.0"), if any
  Range dax_data;    // kDevdax: the dax device's range
  std::string dax_uuid;  // kDevdax: its info block's uuid (pmemreclaim's mark?)
  // Label-less: its namespace has force_raw set (see ForceRaw in nvdimm.h).
  bool force_raw = false;
  // Label-less: nd_pmem is loaded, yet no driver holds the namespace and
  // nothing claims it: the kernel's probe refused what it found (an info
  // block this kernel can't honour: another page size, a bad offset).
  bool unattached = false;
  // kOther: what was found, for the line ("an fsdax (pfn) info block the
  // kernel attached raw (corrupt or not this kernel's)", ...).
  std::string holds;
  // kRaw label-less region whose last 128 KiB hold a namespace label index:
  // a labelled (ramdax) layout seen through nd_e820/of_pmem.
  bool labels_at_end = false;
  int target_node = 0;  // NUMA node kmem would use; < 0: none
  // ramdax only:
  bool labelled = false;      // a region of ramdax (label area at the end)
  bool labels_valid = false;  // the label area holds a valid index
  std::vector<NamespaceInfo> namespaces;  // with a non-zero size
  // hmem only: its dax devices with a size, in address order.
  std::vector<DaxDeviceInfo> devices;
};

// A label-less carve region with nothing on it.
inline RegionInfo RawRegion(const std::string& name, const Range& range) {
  RegionInfo r;
  r.name = name;
  r.range = range;
  r.carve = true;
  return r;
}

// The regions that are carves (RegionInfo::carve), in address order.
std::vector<RegionInfo> CarveRegions(const std::vector<RegionInfo>& regions);

// A ramdax region for a carve: the carve less its label area.
inline RegionInfo RamdaxRegionFor(const std::string& name, const Range& carve) {
  RegionInfo r = RawRegion(name, Range{carve.start, carve.end - kLabelAreaSize});
  r.labelled = true;
  return r;
}

// The regions sorted by address.
std::vector<RegionInfo> SortedRegions(std::vector<RegionInfo> regions);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_REGION_H_
