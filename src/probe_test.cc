#include "probe.h"

#include <catch2/catch.hpp>

#include "fakes_test.h"

using namespace pmemreclaim;

TEST_CASE("PMD sizes per page size") {
  CHECK(PmdSize(4096) == 2 * kMiB);
  CHECK(PmdSize(16384) == 32 * kMiB);
  CHECK(PmdSize(65536) == 512 * kMiB);
  CHECK(PmdSize(0) == 2 * kMiB);
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
  auto m = ProbeMachine(sys, nv, Strategy::kLegacy, &err);
  REQUIRE(m);
  CHECK(m->arch == Arch::kX86_64);
  CHECK(m->dax_align == 2 * kMiB);
  CHECK(m->ram.size() == 2);
  sys.machine = "aarch64";
  sys.page_size = 16384;
  m = ProbeMachine(sys, nv, Strategy::kLegacy, &err);
  REQUIRE(m);
  CHECK(m->arch == Arch::kArm64);
  CHECK(m->dax_align == 32 * kMiB);
  sys.machine = "riscv64";
  CHECK_FALSE(ProbeMachine(sys, nv, Strategy::kLegacy, &err));
  CHECK(err.find("riscv64") != std::string::npos);
}

TEST_CASE("MemTotal from /proc/meminfo") {
  CHECK(ParseMemTotal("MemTotal:        8033468 kB\nMemFree: 1 kB\n") == u64{8033468} * 1024);
  CHECK_FALSE(ParseMemTotal("MemFree: 1 kB\n").has_value());
  CHECK_FALSE(ParseMemTotal("MemTotal: lots kB\n").has_value());
  CHECK_FALSE(ParseMemTotal("MemTotal: 12 MB\n").has_value());
}
