// SPDX-License-Identifier: GPL-2.0-or-later
#include "keep_links.h"

#include "handoff.h"
#include "log.h"

namespace pmemreclaim {

std::string DevNodeOf(SystemInterface& sys, const std::string& kept_device) {
  if (kept_device.rfind("dax", 0) == 0) return sys.Exists("/sys/bus/dax/devices/" + kept_device) ? kept_device : "";
  const std::vector<std::string> blocks = sys.ListDir("/sys/bus/nd/devices/" + kept_device + "/block");
  return blocks.size() == 1 ? blocks.front() : "";
}

void MakeKeepLinks(SystemInterface& sys, const std::string& record) {
  for (const auto& [name, device] : SliceDevicesInRecord(record)) {
    const std::string node = DevNodeOf(sys, device);
    std::string err;
    if (node.empty()) {
      LogWarning("no /dev node for slice " + name + "'s device " + device + ": no /dev/pmemreclaim/" + name);
    } else if (!sys.MakeSymlink("../" + node, "/dev/pmemreclaim/" + name, &err)) {
      LogWarning("cannot make /dev/pmemreclaim/" + name + ": " + err);
    }
  }
  const std::vector<std::string> kept = KeptDevicesInRecord(record);
  for (size_t i = 0; i < kept.size(); ++i) {
    const std::string node = DevNodeOf(sys, kept[i]);
    if (node.empty()) {
      LogWarning("no /dev node for the kept device " + kept[i] + ": no /dev/pmemreclaim link for it");
      continue;
    }
    for (const std::string& link : KeepLinkNames(i, kept.size())) {
      std::string err;
      if (!sys.MakeSymlink("../" + node, "/dev/" + link, &err)) LogWarning("cannot make /dev/" + link + ": " + err);
    }
  }
}

std::vector<std::string> KeepLinksFor(SystemInterface& sys, const std::string& record, const std::string& name) {
  std::string device = name;
  if (name.rfind("pmem", 0) == 0) {
    const std::string link = sys.ReadLink("/sys/class/block/" + name + "/device");
    device = link.substr(link.rfind('/') + 1);
  }
  std::vector<std::string> out;
  if (device.empty()) return out;
  for (const auto& [slice, holder] : SliceDevicesInRecord(record)) {
    if (holder == device) out.push_back("pmemreclaim/" + slice);
  }
  const std::vector<std::string> kept = KeptDevicesInRecord(record);
  for (size_t i = 0; i < kept.size(); ++i) {
    if (kept[i] == device) {
      for (const std::string& link : KeepLinkNames(i, kept.size())) out.push_back(link);
    }
  }
  return out;
}

}  // namespace pmemreclaim
