#include "system.h"

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
