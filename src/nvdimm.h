// SPDX-License-Identifier: GPL-2.0-or-later
// The nvdimm and dax subsystems (bus, region, namespace, dax device,
// memory) behind small interfaces, one per kind of kernel object.  The real
// ones use libndctl and libdaxctl (nd_*.cc, dax_*.cc); tests use a fake.
#ifndef PMEMRECLAIM_NVDIMM_H_
#define PMEMRECLAIM_NVDIMM_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "memory_block.h"
#include "region.h"

namespace pmemreclaim {

// A dax device of a pmem or soft-reserved region that kmem holds
// (system-ram mode).
struct KmemDevice {
  std::string devname;  // "dax0.0"
  Range range;
  bool hmem = false;       // of a soft-reserved (dax_hmem) region
  std::string bus_device;  // pmem: the device its nd bus sits on (see RegionInfo)
  Range namespace_range;   // pmem: the namespace the devdax claims
  std::string uuid;        // pmem: the devdax info block's uuid
};

// Pmem regions and their label areas (libndctl: bus, region, dimm).
class PmemRegionsInterface {
 public:
  virtual ~PmemRegionsInterface() = default;
  // Label-less pmem regions of every bus and what they hold, with the
  // device each region's bus sits on (RegionInfo::bus_device, provider):
  // the caller decides which are carves.  A raw region whose block device
  // can be read is looked at for a label index in its last 128 KiB.
  virtual std::vector<RegionInfo> LegacyRegions() = 0;
  // Regions on ramdax buses (labelled, label area at the carve's end).
  virtual std::vector<RegionInfo> RamdaxRegions() = 0;
  // Writes a fresh, empty label index into the region's DIMM (the label
  // area only), with the region disabled meanwhile.
  virtual bool InitLabels(const std::string& region, std::string* err) = 0;
};

// Namespaces of pmem regions: made, deleted, forced raw, read, probed
// again, claimed for devdax (libndctl: namespace, dax).
class NamespacesInterface {
 public:
  virtual ~NamespacesInterface() = default;
  // Sets the region's align to `align`, then makes a labelled namespace
  // called `name` with `uuid` of `size` bytes; `enable` exposes it (raw)
  // right away.
  virtual bool CreateNamespace(const std::string& region, const std::string& name, const std::string& uuid, u64 size,
                               u64 align, bool enable, std::string* devname, Range* range, std::string* err) = 0;
  // Gives back a namespace made by CreateNamespace (size 0), e.g. when the
  // kernel placed it elsewhere than planned.
  virtual bool DeleteNamespace(const std::string& region, const std::string& ns, std::string* err) = 0;
  // Claims namespace `ns` of the region ("" = its only namespace) for
  // device-dax with map=mem, `align` and `uuid`: this writes the info block
  // in the namespace's first 8 KiB and nothing else (it clears force_raw
  // first).  *data is the dax device's range afterwards.
  virtual bool CreateDevdax(const std::string& region, const std::string& ns, u64 align, const std::string& uuid,
                            Range* data, std::string* err) = 0;
  // The dax device ("dax1.0") of namespace `ns`'s devdax claim, "" when it
  // has none.
  virtual std::string DaxDeviceOf(const std::string& region, const std::string& ns) = 0;
  // Sets force_raw on label-less namespace `ns`, which no driver may hold
  // yet: nd_pmem then attaches it as a plain block device, without struct
  // pages for it and without the btt, pfn and dax info-block probes.  False
  // (*err) when a driver holds it already.
  virtual bool ForceRaw(const std::string& ns, std::string* err) = 0;
  // ForceRaw on namespace `ns`, which no driver holds, then has nd_pmem
  // (loaded already) attach it: a plain block device, no struct pages, no
  // info-block probes.  False (*err) when it can't; force_raw is cleared
  // again then.
  virtual bool AttachRaw(const std::string& ns, std::string* err) = 0;
  // `size` bytes at `offset` of namespace `ns`, read through its block
  // device; nullopt when it has none or the read comes short.
  virtual std::optional<std::string> ReadNamespace(const std::string& ns, u64 offset, size_t size) = 0;
  // Clears namespace `ns`'s force_raw and has the kernel probe it again
  // (unbound first if bound): the kernel's own probe decides what it is,
  // as if force_raw had never been set.  *claimed: "" when it is raw now,
  // else what holds it ("dax", "pfn", "btt").  False (*err) when the kernel
  // did not attach it.
  virtual bool Reprobe(const std::string& ns, std::string* claimed, std::string* err) = 0;
};

// What handing a dax device to kmem did.
struct KmemResult {
  int blocks_onlined = 0;
  // mode.memmap_on_memory was asked for and the kernel refused it: why (the
  // blocks' memory map then comes from the RAM already online, as without
  // it); "" otherwise.  The caller says so: the device layer logs nothing.
  std::string memmap_refused;
};

// Dax devices handed to kmem and back (libdaxctl: dev, memory).
class KmemInterface {
 public:
  virtual ~KmemInterface() = default;
  // Hands the dax device of namespace `ns` ("" = the region's only one) to
  // kmem and onlines its memory blocks in mode.zone; with
  // mode.memmap_on_memory it first asks for their memory map on them (a
  // kernel that refuses it is no error: *result says so, and kmem takes it
  // from RAM as usual), and the number of blocks onlined.
  virtual bool OnlineDevdax(const std::string& region, const std::string& ns, const KmemMode& mode,
                            KmemResult* result, std::string* err) = 0;
  // Hands dax device `devname` to kmem and onlines its blocks, as
  // OnlineDevdax does.
  virtual bool OnlineDaxDevice(const std::string& devname, const KmemMode& mode, KmemResult* result,
                               std::string* err) = 0;
  // Dax devices of pmem and soft-reserved regions in system-ram mode.
  virtual std::vector<KmemDevice> KmemDevices() = 0;
  // Unbinds kmem (its memory blocks must be offline: the kernel removes
  // the memory) and gives the device back to device_dax.
  virtual bool ReturnToDevdax(const KmemDevice& dev, std::string* err) = 0;
};

// Soft-reserved (dax_hmem) regions and their dax devices (libdaxctl).
class HmemInterface {
 public:
  virtual ~HmemInterface() = default;
  // Soft-reserved (dax_hmem) regions, as RegionInfo with the region's range
  // and its dax devices (carve = true); the range is empty when the kernel
  // does not say where the region lies (the caller leaves it alone).
  virtual std::vector<RegionInfo> HmemRegions() = 0;
  // Gives a dax_hmem region exactly the devices `want` (in address order,
  // plan.h: HmemDevicesOf): each of its range and align, the kept ones
  // bound to device_dax, the others left unbound (for kmem).  Idempotent:
  // devices already so are kept (a kept one bound to device_dax if it was
  // not).  Refuses any other layout but the idle region and one device over
  // the whole region.  *devices: their names, in `want`'s order.
  virtual bool ShapeHmem(const std::string& region, const std::vector<HmemDeviceSpec>& want,
                         std::vector<std::string>* devices, std::string* err) = 0;
};

// The nvdimm and dax subsystems: the four pieces above, one object (the real
// one shares one libndctl and one libdaxctl context among them).
class NvdimmInterface : public PmemRegionsInterface,
                        public NamespacesInterface,
                        public KmemInterface,
                        public HmemInterface {
 public:
  // Reads the kernel's buses, regions, namespaces and dax devices afresh:
  // what a module loaded or a bus bound since the last scan shows.  Every
  // other call sees what the last Rescan saw (libndctl caches it), and
  // before the first one finds nothing and does nothing.  False (*err) when
  // libndctl can't start.
  bool Rescan(std::string* err) {
    ++scans_;
    return Scan(err);
  }
  // How many times Rescan was called: a job that never scanned never
  // looked at the carves (and forced nothing raw).
  int scans() const { return scans_; }

 private:
  virtual bool Scan(std::string* err) = 0;
  int scans_ = 0;
};

// libndctl + libdaxctl, started by the first Rescan: a job with nothing to
// do never starts them.
std::unique_ptr<NvdimmInterface> NewLibNvdimm();

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_NVDIMM_H_
