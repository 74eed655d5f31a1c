// SPDX-License-Identifier: GPL-2.0-or-later
#include "info_block.h"

#include <random>
#include <string>

#include <catch2/catch.hpp>

using namespace pmemreclaim;

namespace {

std::string Area() { return std::string(kInfoBlockArea, '\0'); }

std::string With(const std::string& sig, size_t at) {
  std::string a = Area();
  a.replace(at, sig.size(), sig);
  return a;
}

}  // namespace

TEST_CASE("info blocks are found by their 16-byte signature at 4096 or at 0") {
  CHECK(FindInfoBlock(Area()) == InfoBlock::kNone);
  CHECK(FindInfoBlock(With(std::string("NVDIMM_DAX_INFO\0", 16), 4096)) == InfoBlock::kDax);
  CHECK(FindInfoBlock(With(std::string("NVDIMM_PFN_INFO\0", 16), 4096)) == InfoBlock::kPfn);
  CHECK(FindInfoBlock(With(std::string("BTT_ARENA_INFO\0\0", 16), 4096)) == InfoBlock::kBtt);
  CHECK(FindInfoBlock(With(std::string("BTT_ARENA_INFO\0\0", 16), 0)) == InfoBlock::kBtt);
  // Only a BTT 2.0 block lies at 0, but any signature there goes to the kernel.
  CHECK(FindInfoBlock(With(std::string("NVDIMM_DAX_INFO\0", 16), 0)) == InfoBlock::kDax);
  // The rest of the block (checksum, uuid, offsets) is the kernel's to judge:
  // a signature with garbage after it is still an info block.
  std::string garbage = With(std::string("NVDIMM_PFN_INFO\0", 16), 4096);
  for (size_t i = 4112; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 7);
  CHECK(FindInfoBlock(garbage) == InfoBlock::kPfn);
}

TEST_CASE("no signature: a near miss, another offset, or random bytes") {
  // The kernel compares all 16 bytes: without the NUL it is not its block.
  CHECK(FindInfoBlock(With("NVDIMM_DAX_INFOX", 4096)) == InfoBlock::kNone);
  CHECK(FindInfoBlock(With(std::string("NVDIMM_DAX_INFO\0", 16), 4095)) == InfoBlock::kNone);
  CHECK(FindInfoBlock(With(std::string("NVDIMM_DAX_INFO\0", 16), 4097)) == InfoBlock::kNone);
  std::mt19937_64 rng(12);
  for (int i = 0; i < 200; ++i) {
    std::string a = Area();
    for (char& c : a) c = static_cast<char>(rng());
    CHECK(FindInfoBlock(a) == InfoBlock::kNone);
  }
}

TEST_CASE("less than 8 KiB can't be judged: never taken for raw") {
  const std::string dax = With(std::string("NVDIMM_DAX_INFO\0", 16), 4096);
  for (size_t n : {size_t{0}, size_t{16}, size_t{4096}, size_t{4112}, kInfoBlockArea - 1}) {
    CHECK(FindInfoBlock(std::string(n, '\0')) == InfoBlock::kUnreadable);
    CHECK(FindInfoBlock(dax.substr(0, n)) == InfoBlock::kUnreadable);
  }
  CHECK(FindInfoBlock(Area() + "more") == InfoBlock::kNone);
  CHECK(std::string(InfoBlockName(InfoBlock::kUnreadable)) == "an unreadable start");
}
