// SPDX-License-Identifier: GPL-2.0-or-later
#include "release.h"

#include <catch2/catch.hpp>

#include "fakes_test.h"
#include "handoff.h"
#include "mark.h"

using namespace pmemreclaim;

TEST_CASE("offline blocks: each block of the range, errors reported per block") {
  FakeSystem sys;
  for (int i = 33; i <= 35; ++i) sys.files["/sys/devices/system/memory/memory" + std::to_string(i) + "/state"] = "online\n";
  sys.files["/sys/devices/system/memory/memory36/state"] = "offline\n";
  const u64 b = 128 * kMiB;
  const auto r = OfflineBlocks(sys, Range{33 * b, 38 * b}, b);
  REQUIRE(r.size() == 5);
  CHECK(r[0].index == 33);
  CHECK_FALSE(r[0].online);
  CHECK(r[0].error.empty());
  CHECK(sys.files["/sys/devices/system/memory/memory33/state"] == "offline\n");
  CHECK((!r[3].online && r[3].error.empty()));  // already offline: nothing written
  CHECK_FALSE(r[4].added);  // memory37 does not exist
  CHECK(r[4].error.find("memory37") != std::string::npos);
  CHECK(sys.writes.size() == 3);
  // Only whole blocks inside the range.
  CHECK(OfflineBlocks(sys, Range{33 * b + 1, 34 * b}, b).empty());
}

TEST_CASE("kexec hazard: a carve listed as System RAM in /sys/firmware/memmap") {
  FakeSystem sys;
  sys.files["/proc/iomem"] = "100000000-17fffffff : Persistent Memory (legacy)\n";
  sys.files["/sys/firmware/memmap/3/type"] = "System RAM\n";
  sys.files["/sys/firmware/memmap/3/start"] = "0x100000000\n";
  sys.files["/sys/firmware/memmap/3/end"] = "0x23fffffff\n";
  sys.files["/sys/firmware/memmap/0/type"] = "Reserved\n";
  sys.files["/sys/firmware/memmap/0/start"] = "0x100000000\n";
  sys.files["/sys/firmware/memmap/0/end"] = "0x17fffffff\n";
  const auto h = KexecHazards(sys);
  REQUIRE(h.size() == 1);
  CHECK(h[0].find("kexec -s") != std::string::npos);
  sys.files["/sys/firmware/memmap/3/type"] = "Persistent Memory (legacy)\n";
  CHECK(KexecHazards(sys).empty());
  sys.files.erase("/proc/iomem");
  CHECK(KexecHazards(sys).empty());
}

TEST_CASE("release: offline every block, then back to devdax; a busy block keeps kmem bound") {
  FakeSystem sys;
  FakeNvdimm nv(&sys);
  sys.files["/sys/devices/system/memory/block_size_bytes"] = "8000000\n";
  for (int i = 33; i <= 47; ++i) sys.files["/sys/devices/system/memory/memory" + std::to_string(i) + "/state"] = "online\n";
  const Range ns = Range::FromSize(4 * kGiB, 2 * kGiB);
  nv.kmem_devices = {KmemDevice{"dax0.0", Range{4 * kGiB + 2 * kMiB, 6 * kGiB}, false,
                                FakeNvdimm::kCarveBus, ns, MarkUuid(MarkRole::kDevdax, ns)}};
  CHECK(Release(sys, nv));
  CHECK(nv.calls == std::vector<std::string>{"devdax dax0.0"});
  CHECK(sys.files["/sys/devices/system/memory/memory47/state"] == "offline\n");
  // A block the kernel can't offline.
  FakeSystem busy = sys;
  busy.files["/sys/devices/system/memory/memory40/state"] = "online\n";
  busy.files.erase("/sys/devices/system/memory/memory41/state");
  FakeNvdimm nv2(&busy);
  nv2.kmem_devices = nv.kmem_devices;
  CHECK_FALSE(Release(busy, nv2));
  CHECK(nv2.calls.empty());
}

TEST_CASE("release offlines only what pmemreclaim onlined: hmem devices and its marked devdax") {
  FakeSystem sys;
  FakeNvdimm nv(&sys);
  sys.files["/sys/devices/system/memory/block_size_bytes"] = "8000000\n";
  for (int i = 0; i < 200; ++i) sys.files["/sys/devices/system/memory/memory" + std::to_string(i) + "/state"] = "online\n";
  const u64 b = 128 * kMiB;
  const Range ns = Range::FromSize(4 * kGiB, 2 * kGiB);
  KmemDevice ours{"dax0.0", Range{4 * kGiB + 2 * kMiB, 6 * kGiB}, false, FakeNvdimm::kCarveBus, ns,
                  MarkUuid(MarkRole::kDevdax, ns)};
  KmemDevice ndctl = ours;  // the same devdax made by ndctl: no mark
  ndctl.devname = "dax1.0";
  ndctl.uuid = "6b1c3c0e-0d4a-4a6e-9a57-0f0d4b2f5e11";
  ndctl.range = Range::FromSize(8 * kGiB, kGiB);
  KmemDevice nfit = ours;  // an NVDIMM someone put in system-ram mode, even with our mark
  nfit.devname = "dax2.0";
  nfit.bus_device = "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00";
  nfit.range = Range::FromSize(10 * kGiB, kGiB);
  KmemDevice hmem{"dax3.1", Range::FromSize(12 * kGiB, kGiB), true, "/sys/devices/platform/hmem.0", {}, ""};
  // soft-reserved memory the OS onlined itself (EFI_MEMORY_SP, CXL: Linux >= 6.3 by default)
  KmemDevice os_hmem{"dax4.0", Range::FromSize(14 * kGiB, kGiB), true, "/sys/devices/platform/hmem.1", {}, ""};
  // this boot's record: pmemreclaim gave dax3.1 to kmem
  sys.files[kStatePath] = "{\"version\":1,\"carves\":[{\"kept_devices\":[\"dax3.0\"],\"online_devices\":[\"dax3.1\"]}]}\n";
  CHECK(OnlinedByUs(sys, ours));
  CHECK_FALSE(OnlinedByUs(sys, ndctl));
  CHECK_FALSE(OnlinedByUs(sys, nfit));
  CHECK(OnlinedByUs(sys, hmem));
  CHECK_FALSE(OnlinedByUs(sys, os_hmem));
  nv.kmem_devices = {ours, ndctl, nfit, hmem, os_hmem};
  CHECK(Release(sys, nv));
  CHECK(nv.calls == std::vector<std::string>{"devdax dax0.0", "devdax dax3.1"});
  CHECK(sys.files["/sys/devices/system/memory/memory" + std::to_string(8 * kGiB / b) + "/state"] == "online\n");
  CHECK(sys.files["/sys/devices/system/memory/memory" + std::to_string(10 * kGiB / b) + "/state"] == "online\n");
  CHECK(sys.files["/sys/devices/system/memory/memory" + std::to_string(12 * kGiB / b) + "/state"] == "offline\n");
  CHECK(sys.files["/sys/devices/system/memory/memory" + std::to_string(14 * kGiB / b) + "/state"] == "online\n");
  // without a record nothing soft-reserved is pmemreclaim's
  sys.files.erase(kStatePath);
  CHECK_FALSE(OnlinedByUs(sys, hmem));
}

TEST_CASE("kexec hazard covers soft-reserved carves too") {
  FakeSystem sys;
  sys.files["/sys/firmware/memmap/3/type"] = "System RAM\n";
  sys.files["/sys/firmware/memmap/3/start"] = "0x100000000\n";
  sys.files["/sys/firmware/memmap/3/end"] = "0x23fffffff\n";
  CHECK(KexecHazards(sys).empty());
  const auto h = KexecHazards(sys, {Range::FromSize(4 * kGiB, 2 * kGiB)});
  REQUIRE(h.size() == 1);
  CHECK(h[0].find("[0x100000000-0x17fffffff]") != std::string::npos);
}
