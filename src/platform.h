// SPDX-License-Identifier: GPL-2.0-or-later
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
// x86's one platform device for every e820 type-12 range.
constexpr char kE820PmemDevice[] = "e820_pmem";
// Where platform devices live in the device tree: an nd bus on a carve sits
// under kPlatformDevicesRoot + the device name.
constexpr char kPlatformDevicesRoot[] = "/sys/devices/platform/";

// x86: "e820_pmem"; arm64: the pmem-region nodes ("1c0000000.pmem").
std::vector<std::string> PmemPlatformDevices(SystemInterface& sys);

// Is `device` (a sysfs path, e.g. the parent of an nd bus) one of those
// platform devices, /sys/devices/platform/NAME?  This is what makes a region
// a carve: NFIT, virtio-pmem and CXL buses sit elsewhere.
bool IsCarveDevice(SystemInterface& sys, const std::string& device);

// The driver bound to a platform device, "" when none.
std::string BoundDriver(SystemInterface& sys, const std::string& device);

// Binds ramdax to `device`: unbinds another driver first, sets
// driver_override and asks the bus to probe.  The ramdax module must be
// loaded.
bool BindRamdax(SystemInterface& sys, const std::string& device, std::string* err);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_PLATFORM_H_
