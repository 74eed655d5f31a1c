// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the kernel command line parser must never crash, and a
// command line it finds errors in must never be acted on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cmdline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const pmemreclaim::Options o = pmemreclaim::ParseCommandLine(text);
  // Without "pmemreclaim" in the text nothing can be requested.
  if (o.requested && text.find("pmemreclaim") == std::string::npos) abort();
  if (o.timeout_seconds < 1 || o.timeout_seconds > 3600) abort();
  if (!o.init.empty() && o.init[0] != '/') abort();
  return 0;
}
