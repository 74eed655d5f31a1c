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
  if (!sys.WriteFile(dir + "/driver_override", "ramdax", err)) return false;
  // drivers_probe answers an error when no driver takes the device.
  if (!sys.WriteFile("/sys/bus/platform/drivers_probe", device, err)) return false;
  if (BoundDriver(sys, device) != "ramdax") {
    *err = device + ": ramdax did not bind";
    return false;
  }
  return true;
}

}  // namespace pmemreclaim
