#include "nvdimm.h"

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>

#include <stdio.h>
#include <string.h>
#include <uuid/uuid.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cstdarg>

#include "log.h"
#include "system.h"
#include "timing.h"

namespace pmemreclaim {
namespace {

void LibLog(int priority, const char* who, const char* format, va_list args) {
  if (priority > 4) return;  // errors and warnings
  char buf[512];
  vsnprintf(buf, sizeof buf, format, args);
  std::string s(buf);
  while (!s.empty() && s.back() == '\n') s.pop_back();
  LogWarning(std::string(who) + ": " + s);
}

void NdctlLog(struct ndctl_ctx*, int priority, const char*, int, const char*, const char* format, va_list args) {
  LibLog(priority, "libndctl", format, args);
}

void DaxctlLog(struct daxctl_ctx*, int priority, const char*, int, const char*, const char* format, va_list args) {
  LibLog(priority, "libdaxctl", format, args);
}

// ND_DEVICE_NAMESPACE_IO from ndctl/ndctl.h (which needs ccan headers):
// the namespace type of a label-less ("legacy") pmem region.
constexpr unsigned kNamespaceIo = 4;

std::string Errno(int rc) { return ErrnoText(rc < 0 ? -rc : rc); }

// A random (version 4) uuid for a new namespace or info block.  libuuid's
// uuid_generate() waits for the kernel's random pool, which early in boot may
// not be ready: measured 3 s of a 4 s job under TCG.  A uuid here only has to
// be unique, not secret: GRND_INSECURE never waits (Linux >= 5.6; older
// kernels refuse the flag) and /dev/urandom never blocks.
void NewUuid(uuid_t out) {
  constexpr unsigned kGrndInsecure = 0x0004;
  unsigned char b[16];
  size_t got = 0;
  while (got < sizeof b) {
    const ssize_t n = getrandom(b + got, sizeof b - got, kGrndInsecure);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (got < sizeof b) {
    const int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    got = 0;
    while (fd >= 0 && got < sizeof b) {
      const ssize_t n = read(fd, b + got, sizeof b - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    if (fd >= 0) close(fd);
  }
  if (got < sizeof b) {
    uuid_generate(out);
    return;
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  memcpy(out, b, sizeof b);
}

class LibNvdimm : public NvdimmInterface {
 public:
  LibNvdimm(struct ndctl_ctx* ctx) : ctx_(ctx) {}
  ~LibNvdimm() override {
    if (dctx_ != nullptr) daxctl_unref(dctx_);
    ndctl_unref(ctx_);
  }
  LibNvdimm(const LibNvdimm&) = delete;
  LibNvdimm& operator=(const LibNvdimm&) = delete;

  std::vector<RegionInfo> LegacyRegions() override {
    std::vector<RegionInfo> out;
    struct ndctl_bus* bus;
    ndctl_bus_foreach(ctx_, bus) {
      ndctl_bus_wait_probe(bus);
      struct ndctl_region* region;
      ndctl_region_foreach(bus, region) {
        if (ndctl_region_get_nstype(region) != kNamespaceIo) continue;
        RegionInfo info;
        info.name = ndctl_region_get_devname(region);
        info.range = Range::FromSize(ndctl_region_get_resource(region), ndctl_region_get_size(region));
        info.target_node = ndctl_region_get_target_node(region);
        struct ndctl_namespace* ns = Namespace(region, "");
        if (ns != nullptr) {
          if (struct ndctl_dax* dax = ndctl_namespace_get_dax(ns); dax != nullptr && ndctl_dax_is_enabled(dax)) {
            info.state = RegionState::kDevdax;
            info.dax_data = Range::FromSize(ndctl_dax_get_resource(dax), ndctl_dax_get_size(dax));
            info.dax_align = ndctl_dax_get_align(dax);
            // map=dev (page structs in the namespace) puts the data further in:
            // the planner sees another layout and leaves it.
          } else if (ndctl_namespace_get_pfn(ns) != nullptr || ndctl_namespace_get_btt(ns) != nullptr) {
            info.state = RegionState::kOther;
          }
        }
        out.push_back(std::move(info));
      }
    }
    return out;
  }

  u64 DefaultDaxAlign() override {
    struct ndctl_bus* bus;
    ndctl_bus_foreach(ctx_, bus) {
      struct ndctl_region* region;
      ndctl_region_foreach(bus, region) {
        struct ndctl_dax* seed = ndctl_region_get_dax_seed(region);
        if (seed != nullptr && ndctl_dax_get_align(seed) != 0) return ndctl_dax_get_align(seed);
      }
    }
    return 0;
  }

  std::vector<RegionInfo> RamdaxRegions() override {
    std::vector<RegionInfo> out;
    struct ndctl_bus* bus;
    ndctl_bus_foreach(ctx_, bus) {
      if (std::string(ndctl_bus_get_provider(bus)) != "ramdax") continue;
      ndctl_bus_wait_probe(bus);
      struct ndctl_region* region;
      ndctl_region_foreach(bus, region) {
        RegionInfo info;
        info.name = ndctl_region_get_devname(region);
        // A ramdax region spans the whole carve; its DIMM's last 128 KiB are
        // the label area, which no namespace can use (drivers/nvdimm/ramdax.c).
        const u64 size = ndctl_region_get_size(region);
        info.range = Range::FromSize(ndctl_region_get_resource(region), size > kLabelAreaSize ? size - kLabelAreaSize : 0);
        info.target_node = ndctl_region_get_target_node(region);
        info.labelled = true;
        struct ndctl_dimm* dimm = ndctl_region_get_first_dimm(region);
        info.labels_valid = dimm != nullptr && LabelsValid(dimm);
        struct ndctl_namespace* ns;
        ndctl_namespace_foreach(region, ns) {
          if (ndctl_namespace_get_size(ns) == 0) continue;
          NamespaceInfo n;
          n.devname = ndctl_namespace_get_devname(ns);
          const char* alt = ndctl_namespace_get_alt_name(ns);
          n.alt_name = alt != nullptr ? alt : "";
          n.range = Range::FromSize(ndctl_namespace_get_resource(ns), ndctl_namespace_get_size(ns));
          if (struct ndctl_dax* dax = ndctl_namespace_get_dax(ns); dax != nullptr && ndctl_dax_is_enabled(dax)) {
            n.devdax = true;
            n.dax_data = Range::FromSize(ndctl_dax_get_resource(dax), ndctl_dax_get_size(dax));
          }
          info.namespaces.push_back(n);
        }
        out.push_back(std::move(info));
      }
    }
    return out;
  }

  bool InitLabels(const std::string& name, std::string* err) override {
    struct ndctl_region* region = Region(name);
    struct ndctl_dimm* dimm = region != nullptr ? ndctl_region_get_first_dimm(region) : nullptr;
    if (dimm == nullptr) {
      *err = name + ": no DIMM";
      return false;
    }
    int rc = ndctl_region_disable_invalidate(region);
    if (rc < 0) {
      *err = name + ": disable: " + Errno(rc);
      return false;
    }
    struct ndctl_cmd* read = ndctl_dimm_read_label_index(dimm);
    rc = read == nullptr ? -ENXIO : ndctl_dimm_init_labels(dimm, NDCTL_NS_VERSION_1_2);
    if (read != nullptr) ndctl_cmd_unref(read);
    if (rc >= 0 && ndctl_dimm_is_enabled(dimm)) {
      // The kernel caches the label area: reload it.
      rc = ndctl_dimm_disable(dimm);
      if (rc >= 0) rc = ndctl_dimm_enable(dimm);
    }
    const int enable_rc = ndctl_region_enable(region);
    if (rc < 0) {
      *err = std::string(ndctl_dimm_get_devname(dimm)) + ": init labels: " + Errno(rc);
      return false;
    }
    if (enable_rc < 0) {
      *err = name + ": enable after init labels: " + Errno(enable_rc);
      return false;
    }
    return true;
  }

  bool CreateNamespace(const std::string& name, const std::string& label, u64 size, u64 align, bool enable,
                       std::string* devname, Range* range, std::string* err) override {
    struct ndctl_region* region = Region(name);
    if (region == nullptr) {
      *err = name + ": no such region";
      return false;
    }
    if (ndctl_region_get_align(region) != align) {
      const int rc = ndctl_region_set_align(region, align);
      if (rc < 0) {
        *err = name + ": align " + HumanSize(align) + ": " + Errno(rc);
        return false;
      }
    }
    struct ndctl_namespace* ns = ndctl_region_get_namespace_seed(region);
    if (ns == nullptr) {
      *err = name + ": no namespace seed";
      return false;
    }
    uuid_t uuid;
    NewUuid(uuid);
    const char* step = "uuid";
    int rc = ndctl_namespace_set_uuid(ns, uuid);
    if (rc >= 0) step = "name", rc = ndctl_namespace_set_alt_name(ns, label.c_str());
    if (rc >= 0) step = "size", rc = ndctl_namespace_set_size(ns, size);
    if (rc >= 0 && enable) step = "enable", rc = ndctl_namespace_enable(ns);
    *devname = ndctl_namespace_get_devname(ns);
    if (rc < 0) {
      *err = *devname + ": " + step + ": " + Errno(rc);
      ndctl_namespace_delete(ns);
      return false;
    }
    *range = Range::FromSize(ndctl_namespace_get_resource(ns), ndctl_namespace_get_size(ns));
    return true;
  }

  bool DeleteNamespace(const std::string& name, const std::string& nsname, std::string* err) override {
    struct ndctl_region* region = Region(name);
    struct ndctl_namespace* ns = region != nullptr ? Namespace(region, nsname) : nullptr;
    if (ns == nullptr) {
      *err = name + ": no namespace " + nsname;
      return false;
    }
    ndctl_namespace_disable_invalidate(ns);
    const int rc = ndctl_namespace_delete(ns);
    if (rc < 0) {
      *err = nsname + ": delete: " + Errno(rc);
      return false;
    }
    return true;
  }

  bool CreateDevdax(const std::string& name, const std::string& nsname, u64 align, Range* data,
                    std::string* err) override {
    struct ndctl_region* region = Region(name);
    struct ndctl_namespace* ns = region != nullptr ? Namespace(region, nsname) : nullptr;
    if (ns == nullptr) {
      *err = name + ": no namespace " + nsname;
      return false;
    }
    struct ndctl_dax* dax = ndctl_region_get_dax_seed(region);
    if (dax == nullptr) {
      *err = name + ": the kernel offers no dax seed (is dax_pmem loaded?)";
      return false;
    }
    int rc = ndctl_namespace_disable_invalidate(ns);
    if (rc < 0) {
      *err = std::string(ndctl_namespace_get_devname(ns)) + ": disable: " + Errno(rc);
      return false;
    }
    uuid_t uuid;
    NewUuid(uuid);
    const char* step = "uuid";
    rc = ndctl_dax_set_uuid(dax, uuid);
    if (rc >= 0) step = "location", rc = ndctl_dax_set_location(dax, NDCTL_PFN_LOC_RAM);
    if (rc >= 0) step = "align", rc = ndctl_dax_set_align(dax, align);
    if (rc >= 0) step = "namespace", rc = ndctl_dax_set_namespace(dax, ns);
    if (rc >= 0) step = "enable", rc = ndctl_dax_enable(dax);
    if (rc < 0) {
      *err = std::string(ndctl_dax_get_devname(dax)) + ": " + step + ": " + Errno(rc);
      // Put things back as they were: release the seed, re-enable the namespace.
      ndctl_dax_delete(dax);
      ndctl_namespace_enable(ns);
      return false;
    }
    *data = Range::FromSize(ndctl_dax_get_resource(dax), ndctl_dax_get_size(dax));
    return true;
  }

  std::vector<RegionInfo> HmemRegions() override {
    std::vector<RegionInfo> out;
    struct daxctl_region* region;
    daxctl_region_foreach(Daxctl(), region) {
      if (!IsHmem(region)) continue;
      struct daxctl_dev* first = daxctl_dev_get_first(region);
      if (first == nullptr || daxctl_dev_get_size(first) == 0) continue;  // split already, or idle
      RegionInfo info;
      info.name = daxctl_region_get_devname(region);
      // The first device starts at the region start (dax_hmem makes it span the region).
      info.range = Range::FromSize(daxctl_dev_get_resource(first), daxctl_region_get_size(region));
      info.target_node = daxctl_dev_get_target_node(first);
      if (daxctl_dev_has_online_memory(first)) info.state = RegionState::kOther;  // kmem got there first
      out.push_back(info);
    }
    return out;
  }

  bool SplitHmem(const std::string& name, u64 keep_size, std::string* rest, std::string* err) override {
    struct daxctl_region* region = HmemRegion(name);
    struct daxctl_dev* first = region != nullptr ? daxctl_dev_get_first(region) : nullptr;
    if (first == nullptr) {
      *err = name + ": no dax device";
      return false;
    }
    const std::string first_name = daxctl_dev_get_devname(first);
    if (keep_size == 0) {  // nothing kept: the whole region goes to kmem
      *rest = first_name;
      return true;
    }
    int rc = daxctl_dev_is_enabled(first) ? daxctl_dev_disable(first) : 0;
    const char* step = "disable";
    if (rc >= 0) step = "size 0", rc = daxctl_dev_set_size(first, 0);
    if (rc >= 0) step = "kept size", rc = daxctl_dev_set_size(first, keep_size);
    if (rc >= 0) step = "device_dax", rc = daxctl_dev_enable_devdax(first);
    if (rc >= 0) step = "create", rc = daxctl_region_create_dev(region);
    if (rc < 0) {
      *err = first_name + ": " + step + ": " + Errno(rc);
      return false;
    }
    // libdaxctl caches the device list: look at the new seed from a fresh context.
    daxctl_unref(dctx_);
    dctx_ = nullptr;
    region = HmemRegion(name);
    struct daxctl_dev* seed = region != nullptr ? daxctl_region_get_dev_seed(region) : nullptr;
    if (seed == nullptr) {
      *err = name + ": no seed device after create";
      return false;
    }
    rc = daxctl_dev_set_size(seed, daxctl_region_get_available_size(region));
    if (rc < 0) {
      *err = std::string(daxctl_dev_get_devname(seed)) + ": size: " + Errno(rc);
      return false;
    }
    *rest = daxctl_dev_get_devname(seed);
    return true;
  }

  bool OnlineDaxDevice(const std::string& devname, Zone zone, int* onlined, std::string* err) override {
    *onlined = 0;
    daxctl_unref(dctx_);  // kmem may have bound devices since
    dctx_ = nullptr;
    struct daxctl_region* region;
    daxctl_region_foreach(Daxctl(), region) {
      struct daxctl_dev* dev;
      daxctl_dev_foreach(region, dev) {
        if (devname != daxctl_dev_get_devname(dev)) continue;
        return OnlineDev(dev, zone, onlined, err);
      }
    }
    *err = devname + ": not found";
    return false;
  }

  std::vector<KmemDevice> KmemDevices() override {
    std::vector<KmemDevice> out;
    for (struct daxctl_dev* dev : KmemDaxDevs()) {
      if (!daxctl_dev_is_enabled(dev)) continue;
      out.push_back(KmemDevice{daxctl_region_get_devname(daxctl_dev_get_region(dev)), daxctl_dev_get_devname(dev),
                               Range::FromSize(daxctl_dev_get_resource(dev), daxctl_dev_get_size(dev))});
    }
    return out;
  }

  bool ReturnToDevdax(const KmemDevice& want, std::string* err) override {
    for (struct daxctl_dev* dev : KmemDaxDevs()) {
      if (want.devname != daxctl_dev_get_devname(dev)) continue;
      int rc = daxctl_dev_disable(dev);
      if (rc < 0) {
        *err = want.devname + ": unbind kmem: " + Errno(rc);
        return false;
      }
      rc = daxctl_dev_enable_devdax(dev);
      if (rc < 0) {
        *err = want.devname + ": back to devdax: " + Errno(rc);
        return false;
      }
      return true;
    }
    *err = want.devname + ": not found";
    return false;
  }

  bool OnlineDevdax(const std::string& name, const std::string& nsname, Zone zone, int* onlined,
                    std::string* err) override {
    *onlined = 0;
    struct ndctl_region* region = Region(name);
    struct ndctl_namespace* ns = region != nullptr ? Namespace(region, nsname) : nullptr;
    struct ndctl_dax* dax = ns != nullptr ? ndctl_namespace_get_dax(ns) : nullptr;
    struct daxctl_region* dregion = dax != nullptr ? ndctl_dax_get_daxctl_region(dax) : nullptr;
    struct daxctl_dev* dev = dregion != nullptr ? daxctl_dev_get_first(dregion) : nullptr;
    if (dev == nullptr) {
      *err = name + ": no dax device";
      return false;
    }
    daxctl_set_log_fn(daxctl_region_get_ctx(dregion), DaxctlLog);
    return OnlineDev(dev, zone, onlined, err);
  }

  // Binds kmem to `dev` unless it has it, and onlines its blocks in `zone`.
  static bool OnlineDev(struct daxctl_dev* dev, Zone zone, int* onlined, std::string* err) {
    const std::string devname = daxctl_dev_get_devname(dev);
    struct daxctl_memory* mem = daxctl_dev_get_memory(dev);
    if (mem == nullptr) {
      // Not in system-ram mode yet: switch the device from device_dax to kmem.
      if (daxctl_dev_is_enabled(dev)) {
        const int rc = daxctl_dev_disable(dev);
        if (rc < 0) {
          *err = devname + ": disable: " + Errno(rc);
          return false;
        }
      }
      int rc;
      {
        PhaseTimer timer(PhaseId::kKmem);
        rc = daxctl_dev_enable_ram(dev);
      }
      if (rc < 0) {
        *err = devname + ": kmem: " + Errno(rc);
        return false;
      }
      mem = daxctl_dev_get_memory(dev);
      if (mem == nullptr) {
        *err = devname + ": bound to kmem but has no memory blocks";
        return false;
      }
    }
    int rc;
    {
      PhaseTimer timer(PhaseId::kOnline);
      rc = zone == Zone::kMovable ? daxctl_memory_online(mem) : daxctl_memory_online_no_movable(mem);
    }
    if (rc < 0) {
      *err = devname + ": online: " + Errno(rc);
      return false;
    }
    *onlined = rc;
    return true;
  }

 private:
  struct ndctl_region* Region(const std::string& name) {
    struct ndctl_bus* bus;
    ndctl_bus_foreach(ctx_, bus) {
      struct ndctl_region* region;
      ndctl_region_foreach(bus, region) {
        if (name == ndctl_region_get_devname(region)) return region;
      }
    }
    return nullptr;
  }

  std::vector<struct daxctl_dev*> KmemDaxDevs() {
    std::vector<struct daxctl_dev*> out;
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
            if (daxctl_dev_get_memory(dev) != nullptr) out.push_back(dev);
          }
        }
      }
    }
    return out;
  }

  // The namespace called `devname`, or with "" the first with a size (a
  // label-less region has exactly one).
  static struct ndctl_namespace* Namespace(struct ndctl_region* region, const std::string& devname) {
    struct ndctl_namespace* ns;
    ndctl_namespace_foreach(region, ns) {
      if (devname.empty() ? ndctl_namespace_get_size(ns) != 0 : devname == ndctl_namespace_get_devname(ns)) return ns;
    }
    return nullptr;
  }

  static bool LabelsValid(struct ndctl_dimm* dimm) {
    struct ndctl_cmd* read = ndctl_dimm_read_label_index(dimm);
    if (read == nullptr) return false;
    const bool valid = ndctl_dimm_validate_labels(dimm) >= 0;
    ndctl_cmd_unref(read);
    return valid;
  }

  struct daxctl_ctx* Daxctl() {
    if (dctx_ == nullptr && daxctl_new(&dctx_) >= 0) daxctl_set_log_fn(dctx_, DaxctlLog);
    return dctx_;
  }

  static bool IsHmem(struct daxctl_region* region) {
    const char* path = daxctl_region_get_path(region);
    return path != nullptr && std::string(path).find("/hmem.") != std::string::npos;
  }

  struct daxctl_region* HmemRegion(const std::string& name) {
    struct daxctl_region* region;
    daxctl_region_foreach(Daxctl(), region) {
      if (IsHmem(region) && name == daxctl_region_get_devname(region)) return region;
    }
    return nullptr;
  }

  struct ndctl_ctx* ctx_;
  struct daxctl_ctx* dctx_ = nullptr;
};

}  // namespace

std::unique_ptr<NvdimmInterface> OpenLibNvdimm(std::string* err) {
  struct ndctl_ctx* ctx = nullptr;
  const int rc = ndctl_new(&ctx);
  if (rc < 0 || ctx == nullptr) {
    *err = "libndctl: " + Errno(rc);
    return nullptr;
  }
  ndctl_set_log_fn(ctx, NdctlLog);
  return std::make_unique<LibNvdimm>(ctx);
}

}  // namespace pmemreclaim
