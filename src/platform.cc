// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform.h"

namespace pmemreclaim {

std::vector<std::string> PmemPlatformDevices(SystemInterface& sys) {
  std::vector<std::string> out;
  for (const std::string& name : sys.ListDir(kPlatformDevices)) {
    const std::string dir = std::string(kPlatformDevices) + "/" + name;
    if (name == "e820_pmem") {
      out.push_back(name);
      continue;
    }
    const auto modalias = sys.ReadFile(dir + "/modalias");
    if (modalias && modalias->find("Cpmem-region") != std::string::npos) out.push_back(name);
  }
  return out;
}

bool IsCarveDevice(SystemInterface& sys, const std::string& device) {
  const std::string dir = kPlatformDevicesRoot;
  if (device.compare(0, dir.size(), dir) != 0) return false;
  const std::string name = device.substr(dir.size());
  if (name.empty() || name.find('/') != std::string::npos) return false;
  for (const std::string& d : PmemPlatformDevices(sys)) {
    if (d == name) return true;
  }
  return false;
}

std::string BoundDriver(SystemInterface& sys, const std::string& device) {
  const std::string link = sys.ReadLink(std::string(kPlatformDevices) + "/" + device + "/driver");
  const size_t slash = link.rfind('/');
  return slash == std::string::npos ? link : link.substr(slash + 1);
}

bool BindRamdax(SystemInterface& sys, const std::string& device, std::string* err) {
  const std::string dir = std::string(kPlatformDevices) + "/" + device;
  const std::string driver = BoundDriver(sys, device);
  if (driver == "ramdax") return true;
  if (!driver.empty() && !sys.WriteFile(dir + "/driver/unbind", device, err)) return false;
  // drivers_probe answers an error when no driver takes the device.
  if (sys.WriteFile(dir + "/driver_override", "ramdax", err) &&
      sys.WriteFile("/sys/bus/platform/drivers_probe", device, err) && BoundDriver(sys, device) == "ramdax") {
    return true;
  }
  if (err->empty()) *err = device + ": ramdax did not bind";
  // Put the device back with the driver it had, so the carve stays usable.
  std::string ignored;
  sys.WriteFile(dir + "/driver_override", "\n", &ignored);
  if (!driver.empty()) {
    sys.WriteFile("/sys/bus/platform/drivers/" + driver + "/bind", device, &ignored);
    *err += BoundDriver(sys, device) == driver ? "; " + driver + " bound again" : "; " + driver + " could not be bound again";
  }
  return false;
}

}  // namespace pmemreclaim
