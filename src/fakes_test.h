// Fakes of the system and nvdimm interfaces for unit tests: files in a
// map, a recorded list of writes and calls, and a kernel that adds
// "System RAM (kmem)" to /proc/iomem when a dax device is onlined.
#ifndef PMEMRECLAIM_FAKES_TEST_H_
#define PMEMRECLAIM_FAKES_TEST_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "nvdimm.h"
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
  bool WriteFile(const std::string& path, const std::string& value, std::string* err) override {
    writes.emplace_back(path, value);
    if (!files.count(path)) {
      *err = path + ": No such file or directory";
      return false;
    }
    files[path] = value + "\n";
    return true;
  }
  bool Exists(const std::string& path) override { return files.count(path) != 0; }
  bool LoadModule(const std::string& name, std::string* err) override {
    if (!available_modules.count(name)) {
      *err = "module " + name + " not found in /lib/modules";
      return false;
    }
    loaded.push_back(name);
    return true;
  }
  std::string Machine() override { return machine; }
  unsigned long PageSize() override { return page_size; }
};

class FakeNvdimm : public NvdimmInterface {
 public:
  explicit FakeNvdimm(FakeSystem* sys) : sys_(sys) {}
  std::vector<RegionInfo> regions;
  u64 default_align = 2 * kMiB;
  u64 block_size = 128 * kMiB;
  std::set<std::string> fail_create, fail_online;
  std::vector<std::string> calls;  // "create region0 align", "online region0 movable"
  std::vector<std::pair<std::string, std::string>> policy_at_online;

  std::vector<RegionInfo> LegacyRegions() override { return regions; }
  u64 DefaultDaxAlign() override { return default_align; }
  bool CreateDevdax(const std::string& region, u64 align, Range* data, std::string* err) override {
    calls.push_back("create " + region + " " + HumanSize(align));
    if (fail_create.count(region)) {
      *err = "Invalid argument";
      return false;
    }
    RegionInfo& r = Find(region);
    r.state = RegionState::kDevdax;
    r.dax_data = DevdaxData(r.range, align);
    r.dax_align = align;
    *data = r.dax_data;
    return true;
  }
  bool OnlineDevdax(const std::string& region, Zone zone, int* onlined, std::string* err) override {
    calls.push_back("online " + region + " " + ZoneName(zone));
    auto policy = sys_->ReadFile("/sys/devices/system/memory/auto_online_blocks");
    policy_at_online.emplace_back(region, policy ? *policy : "");
    if (fail_online.count(region)) {
      *err = "Device or resource busy";
      return false;
    }
    const Range online = AlignInward(Find(region).dax_data, block_size);
    *onlined = static_cast<int>(online.size() / block_size);
    if (!online.empty()) {
      sys_->files["/proc/iomem"] += Hex(online.start).substr(2) + "-" + Hex(online.end - 1).substr(2) +
                                    " : System RAM (kmem)\n";
    }
    return true;
  }

 private:
  RegionInfo& Find(const std::string& name) {
    for (RegionInfo& r : regions) {
      if (r.name == name) return r;
    }
    static RegionInfo none;
    return none;
  }
  FakeSystem* sys_;
};

// Lends a fake to code that takes ownership of its NvdimmInterface.
class NvdimmRef : public NvdimmInterface {
 public:
  explicit NvdimmRef(NvdimmInterface* target) : t_(target) {}
  std::vector<RegionInfo> LegacyRegions() override { return t_->LegacyRegions(); }
  u64 DefaultDaxAlign() override { return t_->DefaultDaxAlign(); }
  bool CreateDevdax(const std::string& r, u64 a, Range* d, std::string* e) override {
    return t_->CreateDevdax(r, a, d, e);
  }
  bool OnlineDevdax(const std::string& r, Zone z, int* n, std::string* e) override {
    return t_->OnlineDevdax(r, z, n, e);
  }

 private:
  NvdimmInterface* t_;
};

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_FAKES_TEST_H_
