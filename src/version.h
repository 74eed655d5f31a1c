// SPDX-License-Identifier: GPL-2.0-or-later
// The program's version (CMake's PMEMRECLAIM_VERSION): `pmemreclaim
// --version`, and the handoff record, so that the real system can tell which
// build ran in its initramfs (an upgrade reaches the next boot only through a
// rebuilt image).
#ifndef PMEMRECLAIM_VERSION_H_
#define PMEMRECLAIM_VERSION_H_

namespace pmemreclaim {

const char* Version();

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_VERSION_H_
