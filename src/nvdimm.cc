// SPDX-License-Identifier: GPL-2.0-or-later
#include "nvdimm.h"

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>

#include <stdio.h>
#include <string.h>
#include <uuid/uuid.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <optional>

#include "log.h"
#include "system.h"
#include "timing.h"

namespace pmemreclaim {
namespace {

void NdctlLog(struct ndctl_ctx*, int priority, const char*, int, const char*, const char* format, va_list args) {
  LogLibraryLine("libndctl", priority, format, args);
}

void DaxctlLog(struct daxctl_ctx*, int priority, const char*, int, const char*, const char* format, va_list args) {
  LogLibraryLine("libdaxctl", priority, format, args);
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

// The uuid for a new object: pmemreclaim's mark when given, else random.
bool ToUuid(const std::string& text, uuid_t out) {
  if (text.empty()) {
    NewUuid(out);
    return true;
  }
  return uuid_parse(text.c_str(), out) == 0;
}

std::string UuidText(const uuid_t u) {
  char buf[37];
  uuid_unparse_lower(u, buf);
  return buf;
}

// The sysfs path of the device an nd bus sits on: its parent
// ("/sys/devices/platform/e820_pmem" for a memmap= carve).
std::string BusDevice(struct ndctl_bus* bus) {
  const std::string link = std::string("/sys/bus/nd/devices/") + ndctl_bus_get_devname(bus);
  char real[PATH_MAX];
  if (realpath(link.c_str(), real) == nullptr) return "";
  std::string path = real;
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

// `size` bytes at `offset` of a namespace, read through its block device;
// nullopt when it has none or the read comes short.
std::optional<std::string> ReadBlockDevice(struct ndctl_namespace* ns, u64 offset, size_t size) {
  const char* block = ns != nullptr ? ndctl_namespace_get_block_device(ns) : nullptr;
  if (block == nullptr || *block == '\0') return std::nullopt;
  // The node must be the block device sysfs names (its major:minor), not
  // whatever else sits at /dev/<name>.
  unsigned major_no = 0, minor_no = 0;
  FILE* devfile = fopen((std::string("/sys/class/block/") + block + "/dev").c_str(), "re");
  const bool have_dev = devfile != nullptr && fscanf(devfile, "%u:%u", &major_no, &minor_no) == 2;
  if (devfile != nullptr) fclose(devfile);
  if (!have_dev) return std::nullopt;
  const int fd = open((std::string("/dev/") + block).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode) || st.st_rdev != makedev(major_no, minor_no)) {
    close(fd);
    return std::nullopt;
  }
  std::string out(size, '\0');
  size_t got = 0;
  while (got < size) {
    const ssize_t n = pread(fd, &out[got], size - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  if (got < size) return std::nullopt;
  return out;
}

// Does the raw namespace's last 128 KiB start with a namespace label index
// (the label area ramdax keeps at the end of a carve)?  Read through its
// block device; false when it can't be read.
bool EndHoldsLabelIndex(struct ndctl_namespace* ns) {
  const u64 size = ndctl_namespace_get_size(ns);
  if (size <= kLabelAreaSize) return false;
  static const char kSig[] = "NAMESPACE_INDEX";
  const auto start = ReadBlockDevice(ns, size - kLabelAreaSize, sizeof kSig);
  return start && memcmp(start->data(), kSig, sizeof kSig) == 0;
}

// Where a dax device lies now.  libdaxctl reads `resource` once, when it
// lists the device, and not again after a resize: read it from sysfs.
Range LiveRange(struct daxctl_dev* dev) {
  const std::string path = std::string("/sys/bus/dax/devices/") + daxctl_dev_get_devname(dev) + "/resource";
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  char buf[64] = {};
  const ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0) close(fd);
  const auto start = n > 0 ? ParseHex(std::string(buf, static_cast<size_t>(n))) : std::nullopt;
  return start ? Range::FromSize(*start, daxctl_dev_get_size(dev)) : Range{};
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
    // Before nd_pmem loads no namespace has a driver; afterwards one without
    // is one the kernel's probe refused.
    const bool nd_pmem_loaded = access("/sys/bus/nd/drivers/nd_pmem", F_OK) == 0;
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
        info.provider = ndctl_bus_get_provider(bus);
        info.bus_device = BusDevice(bus);
        struct ndctl_namespace* ns = Namespace(region, "");
        if (ns != nullptr) {
          info.namespace_name = ndctl_namespace_get_devname(ns);
          info.force_raw = ndctl_namespace_get_raw_mode(ns) == 1;
          if (struct ndctl_dax* dax = ndctl_namespace_get_dax(ns); dax != nullptr && ndctl_dax_is_enabled(dax)) {
            info.state = RegionState::kDevdax;
            info.dax_data = Range::FromSize(ndctl_dax_get_resource(dax), ndctl_dax_get_size(dax));
            uuid_t uu;
            ndctl_dax_get_uuid(dax, uu);
            info.dax_uuid = UuidText(uu);
          } else if (ndctl_namespace_get_pfn(ns) != nullptr || ndctl_namespace_get_btt(ns) != nullptr ||
                     ndctl_namespace_get_dax(ns) != nullptr) {
            // fsdax, btt, or a dax claim that is not enabled: not ours to judge.
            info.state = RegionState::kOther;
          } else if (!ndctl_namespace_is_enabled(ns)) {
            info.unattached = nd_pmem_loaded;
          } else {
            info.labels_at_end = EndHoldsLabelIndex(ns);
          }
        }
        out.push_back(std::move(info));
      }
    }
    return out;
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
        info.provider = ndctl_bus_get_provider(bus);
        info.bus_device = BusDevice(bus);
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
          uuid_t uu;
          ndctl_namespace_get_uuid(ns, uu);
          n.uuid = UuidText(uu);
          if (struct ndctl_dax* dax = ndctl_namespace_get_dax(ns); dax != nullptr && ndctl_dax_is_enabled(dax)) {
            n.devdax = true;
            n.dax_data = Range::FromSize(ndctl_dax_get_resource(dax), ndctl_dax_get_size(dax));
            ndctl_dax_get_uuid(dax, uu);
            n.dax_uuid = UuidText(uu);
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

  bool CreateNamespace(const std::string& name, const std::string& label, const std::string& uuid_text, u64 size,
                       u64 align, bool enable, std::string* devname, Range* range, std::string* err) override {
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
    if (!ToUuid(uuid_text, uuid)) {
      *err = name + ": bad uuid " + uuid_text;
      return false;
    }
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

  bool CreateDevdax(const std::string& name, const std::string& nsname, u64 align, const std::string& uuid_text,
                    Range* data, std::string* err) override {
    PhaseTimer timer(PhaseId::kDevdax);
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
    // A namespace the boot job's look forced raw (force_raw.h) is claimed
    // like any other: its flag would keep the dax device from seeing it.
    if (ndctl_namespace_get_raw_mode(ns) == 1 && (rc = ndctl_namespace_set_raw_mode(ns, 0)) < 0) {
      *err = std::string(ndctl_namespace_get_devname(ns)) + ": clear force_raw: " + Errno(rc);
      ndctl_namespace_enable(ns);  // forced raw still: the job's end gives it back
      return false;
    }
    uuid_t uuid;
    if (!ToUuid(uuid_text, uuid)) {
      *err = name + ": bad uuid " + uuid_text;
      ndctl_namespace_enable(ns);
      return false;
    }
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

  bool ForceRaw(const std::string& name, std::string* err) override {
    struct ndctl_namespace* ns = NamespaceByName(name);
    if (ns == nullptr) {
      *err = name + ": no such namespace";
      return false;
    }
    if (ndctl_namespace_is_active(ns)) {
      *err = name + ": a driver holds it already";
      return false;
    }
    const int rc = ndctl_namespace_set_raw_mode(ns, 1);
    if (rc < 0) {
      *err = name + ": force_raw: " + Errno(rc);
      return false;
    }
    return true;
  }

  bool AttachRaw(const std::string& name, std::string* err) override {
    if (!ForceRaw(name, err)) return false;
    struct ndctl_namespace* ns = NamespaceByName(name);
    const int rc = ndctl_namespace_enable(ns);
    if (rc < 0) {
      *err = name + ": the kernel did not attach it raw: " + Errno(rc);
      ndctl_namespace_set_raw_mode(ns, 0);
      return false;
    }
    return true;
  }

  std::optional<std::string> ReadNamespace(const std::string& name, u64 offset, size_t size) override {
    return ReadBlockDevice(NamespaceByName(name), offset, size);
  }

  bool Reprobe(const std::string& name, std::string* claimed, std::string* err) override {
    struct ndctl_namespace* ns = NamespaceByName(name);
    if (ns == nullptr) {
      *err = name + ": no such namespace";
      return false;
    }
    // A plain unbind: nothing claims a namespace forced raw, and nothing of
    // what the media holds is touched.
    int rc = ndctl_namespace_disable(ns);
    if (rc < 0) {
      *err = name + ": disable: " + Errno(rc);
      return false;
    }
    rc = ndctl_namespace_set_raw_mode(ns, 0);
    if (rc < 0) {
      *err = name + ": clear force_raw: " + Errno(rc);
      return false;
    }
    rc = ndctl_namespace_enable(ns);
    if (rc < 0) {
      *err = name + ": the kernel did not attach it: " + Errno(rc);
      return false;
    }
    *claimed = rc == 0                              ? ""
               : ndctl_namespace_get_dax(ns) != nullptr ? "dax"
               : ndctl_namespace_get_pfn(ns) != nullptr ? "pfn"
               : ndctl_namespace_get_btt(ns) != nullptr ? "btt"
                                                        : "another device";
    return true;
  }

  std::vector<RegionInfo> HmemRegions() override {
    std::vector<RegionInfo> out;
    struct daxctl_region* region;
    daxctl_region_foreach(Daxctl(), region) {
      if (!IsHmem(region)) continue;
      RegionInfo info;
      info.name = daxctl_region_get_devname(region);
      info.carve = true;  // soft-reserved memory
      info.provider = "dax_hmem";
      info.bus_device = HmemDevice(region);
      // Where the region starts: a device of size 0 (the seed; all of them
      // in an idle region) reports the region start as its resource, and
      // sized devices lie inside it.
      u64 start = ~u64{0};
      struct daxctl_dev* dev;
      daxctl_dev_foreach(region, dev) {
        info.target_node = daxctl_dev_get_target_node(dev);
        start = std::min<u64>(start, daxctl_dev_get_resource(dev));
        if (daxctl_dev_get_size(dev) == 0) continue;
        DaxDeviceInfo d;
        d.devname = daxctl_dev_get_devname(dev);
        d.range = Range::FromSize(daxctl_dev_get_resource(dev), daxctl_dev_get_size(dev));
        d.driver = !daxctl_dev_is_enabled(dev)            ? ""
                   : daxctl_dev_get_memory(dev) != nullptr ? "kmem"
                                                           : "device_dax";
        info.devices.push_back(d);
      }
      std::sort(info.devices.begin(), info.devices.end(),
                [](const DaxDeviceInfo& a, const DaxDeviceInfo& b) { return a.range.start < b.range.start; });
      if (start == ~u64{0} || start == 0) {
        LogWarning(info.name + ": cannot tell where soft-reserved region " + info.bus_device + " lies; left alone");
        continue;
      }
      info.range = Range::FromSize(start, daxctl_region_get_size(region));
      out.push_back(info);
    }
    return out;
  }

  bool ShapeHmem(const std::string& name, const Range& keep, const Range& rest, std::string* keep_dev,
                 std::string* rest_dev, std::string* err) override {
    struct daxctl_region* region = HmemRegion(name);
    if (region == nullptr) {
      *err = name + ": no such soft-reserved dax region";
      return false;
    }
    std::vector<struct daxctl_dev*> sized;
    struct daxctl_dev* dev;
    daxctl_dev_foreach(region, dev) {
      if (daxctl_dev_get_size(dev) != 0) sized.push_back(dev);
    }
    std::sort(sized.begin(), sized.end(), [](struct daxctl_dev* a, struct daxctl_dev* b) {
      return daxctl_dev_get_resource(a) < daxctl_dev_get_resource(b);
    });
    auto at = [](struct daxctl_dev* d) { return LiveRange(d); };
    std::vector<Range> want;
    if (!keep.empty()) want.push_back(keep);
    if (!rest.empty()) want.push_back(rest);
    bool done = sized.size() == want.size();
    for (size_t i = 0; done && i < sized.size(); ++i) done = at(sized[i]) == want[i];
    if (done) {  // shaped already (an earlier run): the kept device must be in device_dax
      if (!keep.empty() && !daxctl_dev_is_enabled(sized[0])) {
        const int rc = daxctl_dev_enable_devdax(sized[0]);
        if (rc < 0) {
          *err = std::string(daxctl_dev_get_devname(sized[0])) + ": device_dax: " + Errno(rc);
          return false;
        }
      }
      if (!keep.empty()) *keep_dev = daxctl_dev_get_devname(sized[0]);
      if (!rest.empty()) *rest_dev = daxctl_dev_get_devname(sized.back());
      return true;
    }
    struct daxctl_dev* first = daxctl_dev_get_first(region);
    const bool idle = sized.empty();
    const bool whole = sized.size() == 1 && sized[0] == first && daxctl_dev_get_memory(first) == nullptr;
    if (first == nullptr || !(idle || whole)) {
      *err = name + ": its dax devices are not as pmemreclaim splits them";
      return false;
    }
    const std::string first_name = daxctl_dev_get_devname(first);
    if (!keep.empty()) *keep_dev = first_name;
    const char* step = "disable";
    int rc = daxctl_dev_is_enabled(first) ? daxctl_dev_disable(first) : 0;
    if (rc >= 0 && !idle) step = "size 0", rc = daxctl_dev_set_size(first, 0);
    const Range& first_range = keep.empty() ? rest : keep;
    if (rc >= 0) step = "size", rc = daxctl_dev_set_size(first, first_range.size());
    if (rc >= 0 && at(first) != first_range) {
      *err = first_name + ": placed at " + Describe(at(first)) + ", not " + Describe(first_range);
      return false;
    }
    if (rc >= 0 && !keep.empty()) step = "device_dax", rc = daxctl_dev_enable_devdax(first);
    if (rc < 0) {
      *err = first_name + ": " + step + ": " + Errno(rc);
      // A sized device that no driver holds could be taken by kmem later:
      // the kept bytes go back to being in no device at all.
      if (!daxctl_dev_is_enabled(first) && daxctl_dev_get_size(first) != 0 && daxctl_dev_set_size(first, 0) >= 0) {
        *err += "; " + first_name + " shrunk back to 0";
      }
      return false;
    }
    if (keep.empty()) {
      *rest_dev = first_name;
      return true;
    }
    if (rest.empty()) return true;
    rc = daxctl_region_create_dev(region);
    if (rc < 0) {
      *err = name + ": create: " + Errno(rc);
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
    rc = daxctl_dev_set_size(seed, rest.size());
    if (rc < 0 || at(seed) != rest) {
      *err = std::string(daxctl_dev_get_devname(seed)) + ": size: " +
             (rc < 0 ? Errno(rc) : "placed at " + Describe(at(seed)) + ", not " + Describe(rest));
      return false;
    }
    *rest_dev = daxctl_dev_get_devname(seed);
    return true;
  }

  bool OnlineDaxDevice(const std::string& devname, const KmemMode& mode, int* onlined, std::string* err) override {
    *onlined = 0;
    daxctl_unref(dctx_);  // kmem may have bound devices since
    dctx_ = nullptr;
    struct daxctl_region* region;
    daxctl_region_foreach(Daxctl(), region) {
      struct daxctl_dev* dev;
      daxctl_dev_foreach(region, dev) {
        if (devname != daxctl_dev_get_devname(dev)) continue;
        return OnlineDev(dev, mode, onlined, err);
      }
    }
    *err = devname + ": not found";
    return false;
  }

  std::vector<KmemDevice> KmemDevices() override {
    std::vector<KmemDevice> out;
    ForEachKmemDev([&](struct daxctl_dev* dev, struct ndctl_bus* bus, struct ndctl_dax* dax,
                       struct daxctl_region* hregion) {
      KmemDevice k;
      k.devname = daxctl_dev_get_devname(dev);
      k.range = Range::FromSize(daxctl_dev_get_resource(dev), daxctl_dev_get_size(dev));
      if (hregion != nullptr) {
        k.hmem = true;
        k.bus_device = HmemDevice(hregion);
      } else {
        k.bus_device = BusDevice(bus);
        if (struct ndctl_namespace* ns = ndctl_dax_get_namespace(dax); ns != nullptr) {
          k.namespace_range = Range::FromSize(ndctl_namespace_get_resource(ns), ndctl_namespace_get_size(ns));
        }
        uuid_t uu;
        ndctl_dax_get_uuid(dax, uu);
        k.uuid = UuidText(uu);
      }
      out.push_back(k);
    });
    return out;
  }

  bool ReturnToDevdax(const KmemDevice& want, std::string* err) override {
    std::vector<struct daxctl_dev*> devs;
    ForEachKmemDev([&](struct daxctl_dev* dev, struct ndctl_bus*, struct ndctl_dax*, struct daxctl_region*) {
      devs.push_back(dev);
    });
    for (struct daxctl_dev* dev : devs) {
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

  bool OnlineDevdax(const std::string& name, const std::string& nsname, const KmemMode& mode, int* onlined,
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
    return OnlineDev(dev, mode, onlined, err);
  }

  // Binds kmem to `dev` unless it has it (asking first for the blocks'
  // memory map on them when mode.memmap_on_memory), and onlines its blocks
  // in mode.zone.
  static bool OnlineDev(struct daxctl_dev* dev, const KmemMode& mode, int* onlined, std::string* err) {
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
      if (mode.memmap_on_memory) {
        // No libdaxctl call for it (ndctl 81): the attribute, while no driver
        // or device_dax holds the device (kmem would make it -EBUSY).
        std::string why;
        if (!WriteAttribute("/sys/bus/dax/devices/" + devname + "/memmap_on_memory", "1", &why)) {
          LogWarning(devname + ": the kernel refused memmap_on_memory (" + why +
                     "): the memory map of its blocks comes from the RAM already online");
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
      rc = mode.zone == Zone::kMovable ? daxctl_memory_online(mem) : daxctl_memory_online_no_movable(mem);
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

  // Calls fn(dev, bus, dax, nullptr) for each dax device of a pmem region in
  // system-ram mode, then fn(dev, nullptr, nullptr, region) for those of
  // soft-reserved regions.
  template <typename Fn>
  void ForEachKmemDev(Fn fn) {
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
    struct daxctl_region* hregion;
    daxctl_region_foreach(Daxctl(), hregion) {
      if (!IsHmem(hregion)) continue;
      struct daxctl_dev* dev;
      daxctl_dev_foreach(hregion, dev) {
        if (daxctl_dev_is_enabled(dev) && daxctl_dev_get_memory(dev) != nullptr) fn(dev, nullptr, nullptr, hregion);
      }
    }
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

  // A namespace by its device name, on any bus.
  struct ndctl_namespace* NamespaceByName(const std::string& devname) {
    struct ndctl_bus* bus;
    ndctl_bus_foreach(ctx_, bus) {
      struct ndctl_region* region;
      ndctl_region_foreach(bus, region) {
        struct ndctl_namespace* ns;
        ndctl_namespace_foreach(region, ns) {
          if (devname == ndctl_namespace_get_devname(ns)) return ns;
        }
      }
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

  // "/sys/devices/platform/hmem.0" of a soft-reserved dax region.
  static std::string HmemDevice(struct daxctl_region* region) {
    const std::string path = daxctl_region_get_path(region);
    const size_t at = path.find("/hmem.");
    return at == std::string::npos ? path : path.substr(0, path.find('/', at + 1));
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
