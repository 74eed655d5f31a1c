#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# arm64, 4K pages (Debian sid linux-binary-*-arm64, qemu-system-aarch64 virt -cpu max, TCG): two adjacent
# device-tree pmem-region carves, 126 MiB kept + 1922 MiB starting 2 MiB below the block boundary
# 0x1c8000000: pmemreclaim=legacy onlines 1920 MiB (2 MiB lost), the kept bytes stay identical; the same
# with ndctl + daxctl; and without NUMA (kmem rejects node -1) nothing is written. See reclaim.sh.
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/arm64.sh"
tr_use_arm64_binary
tr_arm64_keep_scenario 2
tb_finish
