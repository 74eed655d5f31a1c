// SPDX-License-Identifier: GPL-2.0-or-later
// The real device layer (nvdimm.h) on libndctl and libdaxctl, one file per
// kind of kernel object, all sharing one context:
//   nd_context.cc   the contexts, lookups by name, uuids, block-device reads
//   nd_region.cc    pmem regions and label areas (PmemRegionsInterface)
//   nd_namespace.cc namespaces and their devdax claim (NamespacesInterface)
//   dax_kmem.cc     dax devices to kmem and back (KmemInterface)
//   dax_hmem.cc     soft-reserved regions (HmemInterface)
// Internal to those files.
#ifndef PMEMRECLAIM_LIBNVDIMM_H_
#define PMEMRECLAIM_LIBNVDIMM_H_

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>
#include <uuid/uuid.h>

#include <cstdarg>
#include <optional>
#include <string>
#include <vector>

#include "nvdimm.h"

namespace pmemreclaim {

// libdaxctl's log lines, through pmemreclaim's log.
void DaxctlLog(struct daxctl_ctx*, int priority, const char* file, int line, const char* fn, const char* format,
               va_list args);

// A negative (or positive) errno as text.
std::string Errno(int rc);

// The uuid for a new object: `text` (pmemreclaim's mark) when given, else a
// random one.  False when `text` is not a uuid.
bool ToUuid(const std::string& text, uuid_t out);
std::string UuidText(const uuid_t u);

// The sysfs path of the device an nd bus sits on: its parent
// ("/sys/devices/platform/e820_pmem" for a memmap= carve).
std::string BusDevice(struct ndctl_bus* bus);

// `size` bytes at `offset` of a namespace, read through its block device;
// nullopt when it has none or the read comes short.
std::optional<std::string> ReadBlockDevice(struct ndctl_namespace* ns, u64 offset, size_t size);

class LibNvdimm final : public NvdimmInterface {
 public:
  LibNvdimm() = default;
  ~LibNvdimm() override;
  bool Scan(std::string* err) override;  // NvdimmInterface::Rescan
  LibNvdimm(const LibNvdimm&) = delete;
  LibNvdimm& operator=(const LibNvdimm&) = delete;

  // PmemRegionsInterface (nd_region.cc)
  std::vector<RegionInfo> LegacyRegions() override;
  std::vector<RegionInfo> RamdaxRegions() override;
  bool InitLabels(const std::string& region, std::string* err) override;

  // NamespacesInterface (nd_namespace.cc)
  bool CreateNamespace(const std::string& region, const std::string& label, const std::string& uuid, u64 size,
                       u64 align, bool enable, std::string* devname, Range* range, std::string* err) override;
  bool DeleteNamespace(const std::string& region, const std::string& ns, std::string* err) override;
  std::string DaxDeviceOf(const std::string& region, const std::string& ns) override;
  bool CreateDevdax(const std::string& region, const std::string& ns, u64 align, const std::string& uuid,
                    Range* data, std::string* err) override;
  bool ForceRaw(const std::string& ns, std::string* err) override;
  bool AttachRaw(const std::string& ns, std::string* err) override;
  std::optional<std::string> ReadNamespace(const std::string& ns, u64 offset, size_t size) override;
  bool Reprobe(const std::string& ns, std::string* claimed, std::string* err) override;

  // KmemInterface (dax_kmem.cc)
  bool OnlineDevdax(const std::string& region, const std::string& ns, const KmemMode& mode, KmemResult* result,
                    std::string* err) override;
  bool OnlineDaxDevice(const std::string& devname, const KmemMode& mode, KmemResult* result,
                       std::string* err) override;
  std::vector<KmemDevice> KmemDevices() override;
  bool ReturnToDevdax(const KmemDevice& dev, std::string* err) override;

  // HmemInterface (dax_hmem.cc)
  std::vector<RegionInfo> HmemRegions() override;
  bool ShapeHmem(const std::string& region, const std::vector<HmemDeviceSpec>& want, std::vector<std::string>* devices,
                 std::string* err) override;

 private:
  // ---- lookups (nd_context.cc) ----
  struct ndctl_region* Region(const std::string& name);
  // The namespace called `devname`, or with "" the first with a size (a
  // label-less region has exactly one).
  static struct ndctl_namespace* Namespace(struct ndctl_region* region, const std::string& devname);
  // The dax device of a namespace's enabled devdax claim, "" when none.
  static std::string DaxDeviceName(struct ndctl_namespace* ns);
  // A namespace by its device name, on any bus.
  struct ndctl_namespace* NamespaceByName(const std::string& devname);
  // libdaxctl's context, made on first use after a Rescan (nullptr before,
  // or when it can't start); ForgetDaxctl drops it, for a fresh list of
  // devices (libdaxctl caches it) the next time.
  struct daxctl_ctx* Daxctl();
  void ForgetDaxctl();
  static bool IsHmem(struct daxctl_region* region);
  // "/sys/devices/platform/hmem.0" of a soft-reserved dax region.
  static std::string HmemDevice(struct daxctl_region* region);
  struct daxctl_region* HmemRegion(const std::string& name);

  // ---- kmem (dax_kmem.cc) ----
  // Binds kmem to `dev` unless it has it (asking first for the blocks'
  // memory map on them when mode.memmap_on_memory), and onlines its blocks
  // in mode.zone.
  static bool OnlineDev(struct daxctl_dev* dev, const KmemMode& mode, KmemResult* result, std::string* err);
  // Calls fn(dev, bus, dax, nullptr) for each dax device of a pmem region in
  // system-ram mode, then fn(dev, nullptr, nullptr, region) for those of
  // soft-reserved regions.
  template <typename Fn>
  void ForEachKmemDev(Fn fn);

  struct ndctl_ctx* ctx_ = nullptr;  // nullptr until the first Rescan: every lookup finds nothing
  struct daxctl_ctx* dctx_ = nullptr;
};

template <typename Fn>
void LibNvdimm::ForEachKmemDev(Fn fn) {
  if (ctx_ == nullptr) return;
  struct ndctl_bus* bus;
  ndctl_bus_foreach(ctx_, bus) {
    struct ndctl_region* region;
    ndctl_region_foreach(bus, region) {
      struct ndctl_dax* dax;
      ndctl_dax_foreach(region, dax) {
        struct daxctl_region* dregion = ndctl_dax_is_enabled(dax) ? ndctl_dax_get_daxctl_region(dax) : nullptr;
        struct daxctl_dev* dev;
        if (dregion == nullptr) continue;
        daxctl_dev_foreach(dregion, dev) {
          if (daxctl_dev_is_enabled(dev) && daxctl_dev_get_memory(dev) != nullptr) fn(dev, bus, dax, nullptr);
        }
      }
    }
  }
  struct daxctl_ctx* dctx = Daxctl();
  if (dctx == nullptr) return;
  struct daxctl_region* hregion;
  daxctl_region_foreach(dctx, hregion) {
    if (!IsHmem(hregion)) continue;
    struct daxctl_dev* dev;
    daxctl_dev_foreach(hregion, dev) {
      if (daxctl_dev_is_enabled(dev) && daxctl_dev_get_memory(dev) != nullptr) fn(dev, nullptr, nullptr, hregion);
    }
  }
}

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_LIBNVDIMM_H_
