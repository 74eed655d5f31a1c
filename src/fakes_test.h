// SPDX-License-Identifier: GPL-2.0-or-later
// Fakes of the system and nvdimm interfaces for unit tests: files in a
// map, a recorded list of writes and calls, and a kernel that adds
// "System RAM (kmem)" to /proc/iomem and memory blocks (memoryN/state) when
// a dax device is onlined.
#ifndef PMEMRECLAIM_FAKES_TEST_H_
#define PMEMRECLAIM_FAKES_TEST_H_

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "log.h"
#include "nvdimm.h"
#include "outcome.h"
#include "reclaim.h"
#include "plan.h"
#include "system.h"

namespace pmemreclaim {

class FakeSystem : public SystemInterface {
 public:
  std::map<std::string, std::string> files;
  std::vector<std::pair<std::string, std::string>> writes;
  std::set<std::string> available_modules;
  std::vector<std::string> loaded;
  std::string machine = "x86_64";
  unsigned long page_size = 4096;

  std::optional<std::string> ReadFile(const std::string& path, std::string* err = nullptr) override {
    auto it = files.find(path);
    if (it == files.end()) {
      if (err) *err = "No such file or directory";
      return std::nullopt;
    }
    return it->second;
  }
  // Called after every successful write, to play the kernel's part.
  std::function<void(const std::string&, const std::string&)> on_write;
  // Writes the kernel refuses: path -> strerror text.
  std::map<std::string, std::string> write_errors;
  bool WriteFile(const std::string& path, const std::string& value, std::string* err) override {
    writes.emplace_back(path, value);
    if (!files.count(path)) {
      *err = path + ": No such file or directory";
      return false;
    }
    if (write_errors.count(path)) {
      *err = path + ": " + write_errors[path];
      return false;
    }
    // A memory block reads "online" whatever the zone it was onlined in.
    const bool block_state = path.size() > 6 && path.compare(path.size() - 6, 6, "/state") == 0;
    files[path] = (block_state && value.rfind("online", 0) == 0 ? "online" : value) + "\n";
    if (on_write) on_write(path, value);
    return true;
  }
  std::map<std::string, std::string> links;
  bool CreateFile(const std::string& path, const std::string& contents, std::string* err) override {
    if (write_errors.count(path)) {
      *err = path + ": " + write_errors[path];
      return false;
    }
    files[path] = contents;
    return true;
  }
  bool MakeSymlink(const std::string& target, const std::string& path, std::string*) override {
    links[path] = target;
    return true;
  }
  bool Exists(const std::string& path) override { return files.count(path) != 0 || links.count(path) != 0; }
  std::vector<std::string> ListDir(const std::string& path) override {
    std::set<std::string> names;
    const std::string prefix = path + "/";
    for (const auto* m : {&files, &links}) {
      for (const auto& [p, v] : *m) {
        if (p.compare(0, prefix.size(), prefix) != 0) continue;
        names.insert(p.substr(prefix.size(), p.find('/', prefix.size()) - prefix.size()));
      }
    }
    return {names.begin(), names.end()};
  }
  std::string ReadLink(const std::string& path) override {
    auto it = links.find(path);
    return it == links.end() ? "" : it->second;
  }
  bool LoadModule(const std::string& spec, std::string* err) override {
    const std::string name = spec.substr(0, spec.find(' '));
    if (!available_modules.count(name)) {
      *err = "module " + name + " not found in /lib/modules";
      return false;
    }
    loaded.push_back(spec);
    files["/sys/module/" + name] = "";  // as the kernel shows a loaded module
    if (on_load) on_load(name);
    return true;
  }
  // Called after each module loaded, with its name.
  std::function<void(const std::string&)> on_load;
  std::string Machine() override { return machine; }
  unsigned long PageSize() override { return page_size; }
};

class FakeNvdimm : public NvdimmInterface {
 public:
  // Regions come on the e820_pmem platform device (a memmap= carve) unless
  // a test gives another RegionInfo::bus_device.
  static constexpr char kCarveBus[] = "/sys/devices/platform/e820_pmem";
  explicit FakeNvdimm(FakeSystem* sys) : sys_(sys) {
    sys_->files.emplace("/sys/bus/platform/devices/e820_pmem/modalias", "platform:e820_pmem\n");
    // The firmware's map: RAM everywhere (memmap= carves); a test of
    // firmware pmem adds an entry of its own type.
    sys_->files.emplace("/sys/firmware/memmap/0/start", "0x0\n");
    sys_->files.emplace("/sys/firmware/memmap/0/end", "0xffffffffffff\n");
    sys_->files.emplace("/sys/firmware/memmap/0/type", "System RAM\n");
  }
  // Rescan (NvdimmInterface counts the scans): with rescan_error set,
  // libndctl "can't start".
  std::string rescan_error;
  bool Scan(std::string* err) override {
    if (rescan_error.empty()) return true;
    *err = rescan_error;
    return false;
  }
  std::vector<RegionInfo> regions;
  u64 block_size = 128 * kMiB;
  std::set<std::string> fail_create, fail_online;
  std::vector<std::string> calls;  // "create region0 align", "online region0 movable"
  std::vector<std::pair<std::string, std::string>> policy_at_online;

  static std::vector<RegionInfo> OnCarveBus(std::vector<RegionInfo> rs) {
    for (RegionInfo& r : rs) {
      if (r.bus_device.empty()) r.bus_device = kCarveBus;
    }
    return rs;
  }
  // The kernel's view, as libndctl shows it: a forced-raw namespace skipped
  // the info-block probes, so its region shows raw whatever it holds; one
  // whose probe refused its info block has no driver and no claim: raw,
  // unattached.
  std::vector<RegionInfo> LegacyRegions() override {
    std::vector<RegionInfo> out = OnCarveBus(regions);
    for (RegionInfo& r : out) {
      const bool is_forced = forced.count(r.namespace_name) != 0;
      const bool is_refused = refused.count(r.namespace_name) != 0;
      if (!is_forced && !is_refused) continue;
      r.force_raw = is_forced;
      r.unattached = is_refused;
      r.state = RegionState::kRaw;
      r.dax_data = Range{};
      r.dax_uuid.clear();
    }
    return out;
  }
  // force_raw: namespaces with it set; namespaces a driver holds already
  // (ForceRaw refuses them); the first 8 KiB of a namespace where a test
  // sets them (else what its region's state implies: a devdax or pfn info
  // block, or zeros); namespaces whose probe fails; bytes the kernel mapped
  // struct pages for on a reprobe that came out raw.  A namespace in
  // `refused` (a test's, or one whose reprobe failed) is one the kernel's
  // probe would not attach.  `reads`: the namespaces read, in order.
  std::set<std::string> forced, held, reprobe_fails, refused;
  std::vector<std::string> reads;
  std::map<std::string, std::string> media;
  u64 struct_page_bytes = 0;
  bool ForceRaw(const std::string& ns, std::string* err) override {
    calls.push_back("force-raw " + ns);
    if (held.count(ns)) {
      *err = ns + ": a driver holds it already";
      return false;
    }
    forced.insert(ns);
    return true;
  }
  // attach_raw_fails: namespaces nd_pmem won't attach even raw.
  std::set<std::string> attach_raw_fails;
  bool AttachRaw(const std::string& ns, std::string* err) override {
    calls.push_back("attach-raw " + ns);
    if (held.count(ns) || attach_raw_fails.count(ns)) {
      *err = ns + (held.count(ns) ? ": a driver holds it already" : ": the kernel did not attach it raw: No such device");
      return false;
    }
    refused.erase(ns);
    forced.insert(ns);
    return true;
  }
  std::optional<std::string> ReadNamespace(const std::string& ns, u64 offset, size_t size) override {
    reads.push_back(ns);
    std::string start(8192, '\0');
    if (media.count(ns)) {
      start = media[ns];
    } else if (const RegionInfo& r = FindNamespace(ns); r.state != RegionState::kRaw) {
      start.replace(4096, 16, std::string(r.state == RegionState::kDevdax ? "NVDIMM_DAX_INFO" : "NVDIMM_PFN_INFO", 15) + '\0');
    }
    if (offset + size > start.size()) return std::nullopt;
    return start.substr(offset, size);
  }
  bool Reprobe(const std::string& ns, std::string* claimed, std::string* err) override {
    calls.push_back("reprobe " + ns);
    forced.erase(ns);
    refused.erase(ns);
    if (reprobe_fails.count(ns)) {
      refused.insert(ns);
      *err = ns + ": the kernel did not attach it: Operation not supported";
      return false;
    }
    const RegionInfo& r = FindNamespace(ns);
    *claimed = r.state == RegionState::kDevdax ? "dax" : r.state == RegionState::kOther ? "pfn" : "";
    if (claimed->empty()) struct_page_bytes += r.range.size();
    return true;
  }
  std::vector<RegionInfo> ramdax_regions;
  std::vector<RegionInfo> RamdaxRegions() override { return OnCarveBus(ramdax_regions); }
  std::vector<RegionInfo> hmem_regions;
  std::vector<RegionInfo> HmemRegions() override {
    std::vector<RegionInfo> out = hmem_regions;
    for (RegionInfo& r : out) r.carve = true;
    return out;
  }
  std::map<std::string, Range> hmem_devices;
  // The call as "shape REGION keep K rest R" (K: the kept devices' span) and,
  // with more than one kept device, " devices N".
  bool ShapeHmem(const std::string& region, const std::vector<HmemDeviceSpec>& want, std::vector<std::string>* devices,
                 std::string* err) override {
    Range keep, rest;
    size_t kept = 0;
    for (const HmemDeviceSpec& d : want) {
      if (!d.kept) {
        rest = d.range;
        continue;
      }
      keep = keep.empty() ? d.range : Range{keep.start, d.range.end};
      ++kept;
    }
    calls.push_back("shape " + region + " keep " + Describe(keep) + " rest " + Describe(rest) +
                    (kept > 1 ? " devices " + std::to_string(kept) : ""));
    devices->clear();
    for (RegionInfo& r : hmem_regions) {
      if (r.name != region) continue;
      // the real one's decision (dax_hmem.cc); dax_hmem's own device is dax0.0
      const HmemShapeStep step = NextHmemShapeStep(r.devices, "dax0.0", want);
      if (step == HmemShapeStep::kRefuse) {
        *err = region + ": its dax devices are not as pmemreclaim splits them";
        return false;
      }
      if (step == HmemShapeStep::kSplit) {
        r.devices.clear();
        for (size_t i = 0; i < want.size(); ++i) {
          if (shape_fails_at == r.devices.size()) {
            *err = "dax0." + std::to_string(i) + ": device_dax: Operation not permitted";
            return false;
          }
          r.devices.push_back(DaxDeviceInfo{"dax0." + std::to_string(i), want[i].range, want[i].kept ? "device_dax" : ""});
          hmem_aligns["dax0." + std::to_string(i)] = want[i].align;
        }
      }
      for (const DaxDeviceInfo& d : r.devices) {
        hmem_devices[d.devname] = d.range;
        devices->push_back(d.devname);
      }
    }
    return true;
  }
  // ShapeHmem fails on the device of this index (made and bound before it stay).
  size_t shape_fails_at = ~size_t{0};
  std::map<std::string, u64> hmem_aligns;
  bool OnlineDaxDevice(const std::string& dev, const KmemMode& mode, KmemResult* result, std::string* err) override {
    *result = KmemResult{};
    if (mode.memmap_on_memory) result->memmap_refused = memmap_refusal;
    calls.push_back("online " + dev + " " + ZoneName(mode.zone) + (mode.memmap_on_memory ? " memmap_on_memory" : ""));
    auto policy = sys_->ReadFile("/sys/devices/system/memory/auto_online_blocks");
    policy_at_online.emplace_back(dev, policy ? *policy : "");
    return AddKmem(dev, hmem_devices[dev], &result->blocks_onlined, err);
  }
  // kmem adds the whole blocks of `dax` (offline), then libdaxctl onlines
  // them in address order and stops at the first one whose state write
  // the kernel refuses (sys->write_errors).
  bool AddKmem(const std::string& dev, const Range& dax, int* onlined, std::string* err) {
    const Range online = AlignInward(dax, block_size);
    *onlined = 0;
    if (online.empty()) return true;
    const std::string entry = Hex(online.start).substr(2) + "-" + Hex(online.end - 1).substr(2) + " : System RAM (kmem)\n";
    if (sys_->files["/proc/iomem"].find(entry) == std::string::npos) sys_->files["/proc/iomem"] += entry;  // added once
    bool refused = false;
    for (u64 at = online.start; at < online.end; at += block_size) {
      const std::string state = "/sys/devices/system/memory/memory" + std::to_string(at / block_size) + "/state";
      if (!refused && sys_->write_errors.count(state)) {
        refused = true;
        *err = dev + ": online: " + sys_->write_errors[state];
      }
      sys_->files[state] = refused ? "offline\n" : "online\n";
      if (!refused) ++*onlined;
    }
    return !refused;
  }
  std::vector<KmemDevice> kmem_devices;
  std::vector<KmemDevice> KmemDevices() override { return kmem_devices; }
  bool ReturnToDevdax(const KmemDevice& d, std::string*) override {
    calls.push_back("devdax " + d.devname);
    return true;
  }
  bool InitLabels(const std::string& region, std::string*) override {
    calls.push_back("init-labels " + region);
    return true;
  }
  // Where the next namespace goes, per region (first fit from the start).
  std::map<std::string, u64> next_dpa;
  bool CreateNamespace(const std::string& region, const std::string& name, const std::string& uuid, u64 size,
                       u64 align, bool enable, std::string* devname, Range* range, std::string*) override {
    calls.push_back("namespace " + region + " " + name + " " + HumanSize(size) + " align " + HumanSize(align) +
                    (enable ? " enabled" : ""));
    RegionInfo& r = FindRamdax(region);
    u64& at = next_dpa.emplace(region, r.range.start).first->second;
    *range = Range::FromSize(at, size);
    at += size;
    *devname = "namespace" + region.substr(6) + "." + std::to_string(r.namespaces.size());
    r.namespaces.push_back(NamespaceInfo{*devname, name, uuid, *range, false, {}, "", ""});
    return true;
  }
  bool DeleteNamespace(const std::string& region, const std::string& ns, std::string*) override {
    calls.push_back("delete " + region + " " + ns);
    for (RegionInfo& r : ramdax_regions) {
      if (r.name != region) continue;
      r.namespaces.erase(std::remove_if(r.namespaces.begin(), r.namespaces.end(),
                                        [&](const NamespaceInfo& n) { return n.devname == ns; }),
                         r.namespaces.end());
      // first fit again: after the last namespace left
      u64 end = r.range.start;
      for (const NamespaceInfo& n : r.namespaces) end = std::max(end, n.range.end);
      next_dpa[region] = end;
    }
    return true;
  }
  std::string DaxDeviceOf(const std::string& region, const std::string& ns) override {
    for (const RegionInfo& r : ramdax_regions) {
      for (const NamespaceInfo& n : r.namespaces) {
        if (r.name == region && n.devname == ns && n.devdax) return "dax" + ns.substr(9);  // namespace1.2 -> dax1.2
      }
    }
    return "";
  }
  bool CreateDevdax(const std::string& region, const std::string& ns, u64 align, const std::string& uuid, Range* data,
                    std::string* err) override {
    calls.push_back("create " + region + (ns.empty() ? "" : " " + ns) + " " + HumanSize(align));
    if (fail_create.count(region)) {
      *err = "Invalid argument";
      return false;
    }
    if (!ns.empty()) {
      for (NamespaceInfo& n : FindRamdax(region).namespaces) {
        if (n.devname != ns) continue;
        n.devdax = true;
        n.dax_uuid = uuid;
        n.dax_data = DevdaxData(n.range, align);
        *data = n.dax_data;
        dax_data[region] = n.dax_data;
      }
      return true;
    }
    RegionInfo& r = Find(region);
    forced.erase(r.namespace_name);  // the real one clears force_raw first
    r.state = RegionState::kDevdax;
    r.dax_uuid = uuid;
    r.dax_data = DevdaxData(r.range, align);
    *data = r.dax_data;
    dax_data[region] = r.dax_data;
    return true;
  }
  std::map<std::string, Range> dax_data;
  // memmap_refusal: the kernel refuses memmap_on_memory with it ("" accepts)
  std::string memmap_refusal;
  bool OnlineDevdax(const std::string& region, const std::string& ns, const KmemMode& mode, KmemResult* result,
                    std::string* err) override {
    *result = KmemResult{};
    if (mode.memmap_on_memory) result->memmap_refused = memmap_refusal;
    int* onlined = &result->blocks_onlined;
    calls.push_back("online " + region + (ns.empty() ? "" : " " + ns) + " " + ZoneName(mode.zone) +
                    (mode.memmap_on_memory ? " memmap_on_memory" : ""));
    auto policy = sys_->ReadFile("/sys/devices/system/memory/auto_online_blocks");
    policy_at_online.emplace_back(region, policy ? *policy : "");
    if (fail_online.count(region)) {
      *err = "Device or resource busy";
      return false;
    }
    Range dax = dax_data.count(region) ? dax_data[region] : Find(region).dax_data;
    for (const NamespaceInfo& n : FindRamdax(region).namespaces) {
      if (n.devname == ns && n.devdax) dax = n.dax_data;
    }
    return AddKmem("dax" + region.substr(6) + ".0", dax, onlined, err);
  }

 private:
  RegionInfo& FindRamdax(const std::string& name) {
    for (RegionInfo& r : ramdax_regions) {
      if (r.name == name) return r;
    }
    static RegionInfo none;
    return none;
  }
  RegionInfo& FindNamespace(const std::string& ns) {
    for (RegionInfo& r : regions) {
      if (r.namespace_name == ns) return r;
    }
    static RegionInfo none;
    return none;
  }
  RegionInfo& Find(const std::string& name) {
    for (RegionInfo& r : regions) {
      if (r.name == name) return r;
    }
    static RegionInfo none;
    return none;
  }
  FakeSystem* sys_;
};

inline const std::string kE820Dev = "/sys/bus/platform/devices/e820_pmem";


inline void Quiet(LogLevel, const std::string&) {}

// x86 memmap= carves on nd_e820 in a kernel with ramdax: binding ramdax
// through driver_override registers one labelled region per carve.  The
// log is silenced.
struct RamdaxWorld {
  FakeSystem sys;
  FakeNvdimm nv{&sys};
  RamdaxWorld(std::vector<Range> carves) {
    SetLogSink(Quiet);
    sys.files["/sys/devices/system/memory/block_size_bytes"] = "8000000\n";
    sys.files["/sys/devices/system/memory/auto_online_blocks"] = "online\n";
    std::string iomem = "100000000-23fffffff : System RAM\n";
    for (const Range& c : carves) {
      iomem += Hex(c.start).substr(2) + "-" + Hex(c.end - 1).substr(2) + " : Persistent Memory (legacy)\n";
    }
    sys.files["/proc/iomem"] = iomem;
    sys.available_modules = {"nd_e820", "ramdax", "nd_pmem", "dax_pmem", "device_dax", "kmem"};
    sys.files[kE820Dev + "/modalias"] = "platform:e820_pmem\n";
    sys.files[kE820Dev + "/driver_override"] = "(null)\n";
    sys.files[kE820Dev + "/driver/unbind"] = "";
    sys.files["/sys/bus/platform/drivers_probe"] = "";
    sys.links[kE820Dev + "/driver"] = "../../../bus/platform/drivers/e820_pmem";
    // nd_e820 has the carves: one label-less region each.
    for (size_t i = 0; i < carves.size(); ++i) nv.regions.push_back(RawRegion("region" + std::to_string(i), carves[i]));
    // The kernel: probing with the override set binds ramdax, which
    // registers one region per carve (less its label area).
    sys.on_write = [this, carves](const std::string& path, const std::string&) {
      if (path != "/sys/bus/platform/drivers_probe") return;
      sys.links[kE820Dev + "/driver"] = "../../../bus/platform/drivers/ramdax";
      nv.regions.clear();
      for (size_t i = 0; i < carves.size(); ++i) {
        RegionInfo r;
        r.name = "region" + std::to_string(i);
        r.range = Range{carves[i].start, carves[i].end - kLabelAreaSize};
        r.labelled = true;
        nv.ramdax_regions.push_back(r);
      }
    };
  }
  ~RamdaxWorld() { SetLogSink(nullptr); }
  // `early`: as the boot job (PID 1's worker) runs it
  Outcome Run(const std::string& cmdline, bool early = false) {
    Options opts = ParseCommandLine(cmdline);
    opts.early = early;
    return Reclaim(opts, sys, nv);
  }
  bool Wrote(const std::string& path, const std::string& value) const {
    for (const auto& [p, v] : sys.writes) {
      if (p == path && v == value) return true;
    }
    return false;
  }
};

// Boots of kernels with ramdax on the same carves: each a fresh kernel
// (nothing onlined); the label area (namespaces, their info blocks) is
// what survives the reboot.  After each: its labels and device-layer calls.
struct RamdaxBoots {
  std::vector<Range> carves;
  std::vector<NamespaceInfo> labels;
  std::vector<std::string> calls;
  explicit RamdaxBoots(std::vector<Range> c) : carves(std::move(c)) {}
  Outcome Boot(const std::string& cmdline) {
    RamdaxWorld w(carves);
    const auto bind = w.sys.on_write;
    w.sys.on_write = [&w, this, bind](const std::string& path, const std::string& value) {
      bind(path, value);
      if (path != "/sys/bus/platform/drivers_probe") return;
      for (RegionInfo& r : w.nv.ramdax_regions) {
        r.namespaces = labels;
        r.labels_valid = !labels.empty();
        u64 end = r.range.start;
        for (const NamespaceInfo& n : labels) end = std::max(end, n.range.end);
        w.nv.next_dpa[r.name] = end;
      }
    };
    const Outcome o = w.Run(cmdline);
    labels = w.nv.ramdax_regions.at(0).namespaces;
    for (NamespaceInfo& n : labels) n.dax_device = w.nv.DaxDeviceOf(w.nv.ramdax_regions.at(0).name, n.devname);
    calls = w.nv.calls;
    return o;
  }
};

// One soft-reserved 2 GiB carve at 4 GiB as dax_hmem shows it with
// region_idle (no device yet), kmem available.  The log is silenced.
struct HmemWorld {
  FakeSystem sys;
  FakeNvdimm nv{&sys};
  HmemWorld() {
    SetLogSink(Quiet);
    sys.files["/sys/devices/system/memory/block_size_bytes"] = "8000000\n";
    sys.files["/sys/devices/system/memory/auto_online_blocks"] = "online\n";
    sys.files["/proc/iomem"] = "00100000-bffdefff : System RAM\n";
    sys.available_modules = {"dax_hmem", "device_dax", "kmem"};
    nv.hmem_regions.push_back(RawRegion("dax0", Range::FromSize(4 * kGiB, 2 * kGiB)));  // idle: no device
  }
  ~HmemWorld() { SetLogSink(nullptr); }
  Outcome Run(const std::string& cmdline) {
    return Reclaim(ParseCommandLine(cmdline), sys, nv);
  }
};

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_FAKES_TEST_H_
