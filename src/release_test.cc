#include "release.h"

#include <catch2/catch.hpp>

#include "fakes_test.h"

using namespace pmemreclaim;

TEST_CASE("offline blocks: each block of the range, errors reported per block") {
  FakeSystem sys;
  for (int i = 33; i <= 35; ++i) sys.files["/sys/devices/system/memory/memory" + std::to_string(i) + "/state"] = "online\n";
  sys.files["/sys/devices/system/memory/memory36/state"] = "offline\n";
  const u64 b = 128 * kMiB;
  const auto r = OfflineBlocks(sys, Range{33 * b, 38 * b}, b);
  REQUIRE(r.size() == 5);
  CHECK(r[0].index == 33);
  CHECK(r[0].offline);
  CHECK(sys.files["/sys/devices/system/memory/memory33/state"] == "offline\n");
  CHECK(r[3].offline);  // already offline: nothing written
  CHECK_FALSE(r[4].offline);  // memory37 does not exist
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
  nv.kmem_devices = {KmemDevice{"region0", "dax0.0", Range{4 * kGiB + 2 * kMiB, 6 * kGiB}}};
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
