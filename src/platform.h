// The platform devices that carry pmem carves, and which driver binds them:
// nd_e820 ("e820_pmem" driver) or of_pmem for the label-less strategy,
// ramdax (through driver_override) for the end-labeled one.
#ifndef PMEMRECLAIM_PLATFORM_H_
#define PMEMRECLAIM_PLATFORM_H_

#include <string>
#include <vector>

#include "system.h"

namespace pmemreclaim {

constexpr char kPlatformDevices[] = "/sys/bus/platform/devices";

// x86: "e820_pmem"; arm64: the pmem-region nodes ("1c0000000.pmem").
std::vector<std::string> PmemPlatformDevices(SystemInterface& sys);

// The driver bound to a platform device, "" when none.
std::string BoundDriver(SystemInterface& sys, const std::string& device);

// Binds ramdax to `device`: unbinds another driver first, sets
// driver_override and asks the bus to probe.  The ramdax module must be
// loaded.
bool BindRamdax(SystemInterface& sys, const std::string& device, std::string* err);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_PLATFORM_H_
