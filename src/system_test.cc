// SPDX-License-Identifier: GPL-2.0-or-later
#include "system.h"

#include <cstdlib>

#include <errno.h>

#include <catch2/catch.hpp>

namespace pmemreclaim {

TEST_CASE("ErrnoText names what the C library names") {
  CHECK(ErrnoText(ENOENT) == "No such file or directory");
  CHECK(ErrnoText(EROFS) == "Read-only file system");
}

TEST_CASE("ErrnoText names EHWPOISON, which musl's table lacks") {
  CHECK(ErrnoText(EHWPOISON) == "Memory page has hardware error (EHWPOISON)");
}

TEST_CASE("ErrnoText gives the number of an errno no table knows") {
  CHECK(ErrnoText(4000) == "errno 4000");
}

}  // namespace pmemreclaim

TEST_CASE("RealSystem CreateFile and MakeSymlink make the missing directory, and replace what is there") {
  char tmpl[] = "/tmp/pmemreclaim-system-test.XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = std::string(tmpl) + "/run";
  pmemreclaim::RealSystem sys;
  std::string err;
  REQUIRE(sys.CreateFile(dir + "/state.json", "one\n", &err));
  REQUIRE(sys.CreateFile(dir + "/state.json", "two\n", &err));
  CHECK(sys.ReadFile(dir + "/state.json") == "two\n");
  CHECK_FALSE(sys.Exists(dir + "/state.json.new"));
  REQUIRE(sys.MakeSymlink("../pmem0", std::string(tmpl) + "/links/keep", &err));
  REQUIRE(sys.MakeSymlink("../pmem1", std::string(tmpl) + "/links/keep", &err));
  CHECK(sys.ReadLink(std::string(tmpl) + "/links/keep") == "../pmem1");
  CHECK_FALSE(sys.CreateFile(std::string(tmpl) + "/no/such/deeper/file", "x", &err));  // one level only
  CHECK(err.find("/no/such/deeper: ") != std::string::npos);
  std::system(("rm -rf " + std::string(tmpl)).c_str());
}
