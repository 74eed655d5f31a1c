// SPDX-License-Identifier: GPL-2.0-or-later
#include "version.h"

#ifndef PMEMRECLAIM_VERSION
#define PMEMRECLAIM_VERSION "unknown"
#endif

namespace pmemreclaim {

const char* Version() { return PMEMRECLAIM_VERSION; }

}  // namespace pmemreclaim
