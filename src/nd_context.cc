// SPDX-License-Identifier: GPL-2.0-or-later
// The shared part of the real device layer (libnvdimm.h): contexts, lookups
// by name, uuids, block-device reads.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "libnvdimm.h"
#include "log.h"
#include "system.h"

namespace pmemreclaim {
namespace {

void NdctlLog(struct ndctl_ctx*, int priority, const char*, int, const char*, const char* format, va_list args) {
  LogLibraryLine("libndctl", priority, format, args);
}

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

}  // namespace

void DaxctlLog(struct daxctl_ctx*, int priority, const char*, int, const char*, const char* format, va_list args) {
  LogLibraryLine("libdaxctl", priority, format, args);
}

std::string Errno(int rc) { return ErrnoText(rc < 0 ? -rc : rc); }

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

std::string BusDevice(struct ndctl_bus* bus) {
  const std::string link = std::string("/sys/bus/nd/devices/") + ndctl_bus_get_devname(bus);
  char real[PATH_MAX];
  if (realpath(link.c_str(), real) == nullptr) return "";
  std::string path = real;
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

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

LibNvdimm::~LibNvdimm() {
  ForgetDaxctl();
  if (ctx_ != nullptr) ndctl_unref(ctx_);
}

bool LibNvdimm::Scan(std::string* err) {
  // A new context lists the buses and devices afresh; the old one's objects
  // (and the daxctl context beside it) go with it.
  ForgetDaxctl();
  if (ctx_ != nullptr) ndctl_unref(ctx_);
  ctx_ = nullptr;
  struct ndctl_ctx* ctx = nullptr;
  const int rc = ndctl_new(&ctx);
  if (rc < 0 || ctx == nullptr) {
    *err = "libndctl: " + Errno(rc);
    return false;
  }
  ndctl_set_log_fn(ctx, NdctlLog);
  ctx_ = ctx;
  return true;
}

struct ndctl_region* LibNvdimm::Region(const std::string& name) {
  if (ctx_ == nullptr) return nullptr;
  struct ndctl_bus* bus;
  ndctl_bus_foreach(ctx_, bus) {
    struct ndctl_region* region;
    ndctl_region_foreach(bus, region) {
      if (name == ndctl_region_get_devname(region)) return region;
    }
  }
  return nullptr;
}

struct ndctl_namespace* LibNvdimm::Namespace(struct ndctl_region* region, const std::string& devname) {
  struct ndctl_namespace* ns;
  ndctl_namespace_foreach(region, ns) {
    if (devname.empty() ? ndctl_namespace_get_size(ns) != 0 : devname == ndctl_namespace_get_devname(ns)) return ns;
  }
  return nullptr;
}

struct ndctl_namespace* LibNvdimm::NamespaceByName(const std::string& devname) {
  if (ctx_ == nullptr) return nullptr;
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

struct daxctl_ctx* LibNvdimm::Daxctl() {
  if (ctx_ == nullptr) return nullptr;  // not scanned yet
  if (dctx_ == nullptr) {
    struct daxctl_ctx* d = nullptr;
    if (daxctl_new(&d) < 0 || d == nullptr) return nullptr;
    daxctl_set_log_fn(d, DaxctlLog);
    dctx_ = d;
  }
  return dctx_;
}

void LibNvdimm::ForgetDaxctl() {
  if (dctx_ != nullptr) daxctl_unref(dctx_);
  dctx_ = nullptr;
}

bool LibNvdimm::IsHmem(struct daxctl_region* region) {
  const char* path = daxctl_region_get_path(region);
  return path != nullptr && std::string(path).find("/hmem.") != std::string::npos;
}

std::string LibNvdimm::HmemDevice(struct daxctl_region* region) {
  const std::string path = daxctl_region_get_path(region);
  const size_t at = path.find("/hmem.");
  return at == std::string::npos ? path : path.substr(0, path.find('/', at + 1));
}


struct daxctl_region* LibNvdimm::HmemRegion(const std::string& name) {
  struct daxctl_ctx* dctx = Daxctl();
  if (dctx == nullptr) return nullptr;
  struct daxctl_region* region;
  daxctl_region_foreach(dctx, region) {
    if (IsHmem(region) && name == daxctl_region_get_devname(region)) return region;
  }
  return nullptr;
}

std::unique_ptr<NvdimmInterface> NewLibNvdimm() { return std::make_unique<LibNvdimm>(); }

}  // namespace pmemreclaim
