// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe.h"

#include <catch2/catch.hpp>

#include "fakes_test.h"

using namespace pmemreclaim;

TEST_CASE("only regions whose bus sits on a carve's platform device are carves") {
  FakeSystem sys;
  sys.files["/sys/bus/platform/devices/e820_pmem/modalias"] = "platform:e820_pmem\n";
  sys.files["/sys/bus/platform/devices/1c0000000.pmem/modalias"] = "of:NpmemT(null)Cpmem-region\n";
  sys.files["/sys/bus/platform/devices/serial8250/modalias"] = "platform:serial8250\n";
  std::vector<RegionInfo> regions(5);
  regions[0].bus_device = "/sys/devices/platform/e820_pmem";
  regions[0].range = Range::FromSize(4 * kGiB, 2 * kGiB);  // RAM in the firmware's map: carved out
  sys.files["/sys/firmware/memmap/0/start"] = "0x100000000\n";
  sys.files["/sys/firmware/memmap/0/end"] = "0x23fffffff\n";
  sys.files["/sys/firmware/memmap/0/type"] = "System RAM\n";
  regions[1].bus_device = "/sys/devices/platform/1c0000000.pmem";
  regions[2].bus_device = "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00";  // NFIT
  regions[3].bus_device = "/sys/devices/pci0000:00/0000:00:04.0/virtio1";    // virtio-pmem
  regions[4].bus_device = "/sys/devices/platform/serial8250";
  for (RegionInfo& r : regions) r.carve = true;  // whatever it was, probing decides
  FindCarves(sys, &regions);
  CHECK(regions[0].carve);
  CHECK(regions[1].carve);
  CHECK_FALSE(regions[2].carve);
  CHECK_FALSE(regions[3].carve);
  CHECK_FALSE(regions[4].carve);
  regions[2].name = "region0";
  regions[2].provider = "ACPI.NFIT";
  regions[2].range = Range::FromSize(0x240000000, 512 * kMiB);
  CHECK(ForeignRegionsLine(regions).find("not a RAM carve, never touched: region0 [0x240000000-0x25fffffff] (ACPI.NFIT)") == 0);
  CHECK(ForeignRegionsLine({regions[0], regions[1]}).empty());
}

TEST_CASE("devdax devices get the page size; their data starts on the PMD size") {
  CHECK(PmdSize(4096) == 2 * kMiB);
  CHECK(PmdSize(16384) == 32 * kMiB);
  CHECK(PmdSize(65536) == 512 * kMiB);
  CHECK(PmdSize(0) == 2 * kMiB);
  FakeSystem sys;
  sys.files[kBlockSizePath] = "8000000\n";
  std::string err;
  sys.page_size = 16384;
  CHECK(ProbeGeometry(sys, &err)->page_size == 16 * kKiB);
  CHECK(ProbeGeometry(sys, &err)->dax_align == 32 * kMiB);
  sys.page_size = 65536;
  CHECK(ProbeGeometry(sys, &err)->page_size == 64 * kKiB);
}

TEST_CASE("block size: read, never assumed") {
  FakeSystem sys;
  CHECK_FALSE(ReadBlockSize(sys).has_value());
  sys.files[kBlockSizePath] = "80000000\n";
  CHECK(ReadBlockSize(sys) == 2 * kGiB);
  sys.files[kBlockSizePath] = "3000000\n";  // not a power of two
  CHECK_FALSE(ReadBlockSize(sys).has_value());
  sys.files[kBlockSizePath] = "junk";
  CHECK_FALSE(ReadBlockSize(sys).has_value());
}

TEST_CASE("probe: arch, dax align from the page size, RAM from iomem") {
  FakeSystem sys;
  FakeNvdimm nv(&sys);
  sys.files[kBlockSizePath] = "8000000\n";
  sys.files["/proc/iomem"] =
      "00001000-0009fbff : System RAM\n100000000-13fffffff : System RAM\n  101000000-102000000 : Kernel code\n";
  std::string err;
  auto m = ProbeGeometry(sys, &err);
  REQUIRE(m);
  CHECK(m->arch == Arch::kX86_64);
  CHECK(m->dax_align == 2 * kMiB);
  CHECK(m->page_size == 4 * kKiB);
  CHECK(m->ram.size() == 2);
  sys.machine = "aarch64";
  sys.page_size = 16384;
  m = ProbeGeometry(sys, &err);
  REQUIRE(m);
  CHECK(m->arch == Arch::kArm64);
  CHECK(m->dax_align == 32 * kMiB);
  CHECK(m->page_size == 16 * kKiB);
  sys.machine = "riscv64";
  CHECK_FALSE(ProbeGeometry(sys, &err));
  CHECK(err.find("riscv64") != std::string::npos);
}

TEST_CASE("MemTotal from /proc/meminfo") {
  CHECK(ParseMemTotal("MemTotal:        8033468 kB\nMemFree: 1 kB\n") == u64{8033468} * 1024);
  CHECK_FALSE(ParseMemTotal("MemFree: 1 kB\n").has_value());
  CHECK_FALSE(ParseMemTotal("MemTotal: lots kB\n").has_value());
  CHECK_FALSE(ParseMemTotal("MemTotal: 12 MB\n").has_value());
}
