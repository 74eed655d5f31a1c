// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: /proc/iomem and sysfs number parsers on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "iomem.h"
#include "probe.h"
#include "size.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const pmemreclaim::IomemEntry& e : pmemreclaim::ParseIomem(text)) {
    if (e.range.end <= e.range.start || e.depth < 0) abort();
  }
  (void)pmemreclaim::ParseHex(text);
  (void)pmemreclaim::ParseMemTotal(text);
  if (auto v = pmemreclaim::ParseSize(text)) {
    // What parses must print and parse back to the same value.
    if (pmemreclaim::ParseSize(pmemreclaim::KernelSize(*v)) != v) abort();
  }
  return 0;
}
