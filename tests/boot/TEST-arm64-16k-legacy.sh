#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# arm64, 16K pages (Debian sid linux-binary-*-arm64-16k, qemu-system-aarch64 virt -cpu max, TCG): two adjacent
# device-tree pmem-region carves, 96 MiB kept + 1952 MiB starting 32 MiB (the 16K dax align) below the block boundary
# 0x1c8000000: pmemreclaim=legacy onlines 1920 MiB (32 MiB lost), the kept bytes stay identical; the same
# with ndctl + daxctl; and without NUMA (kmem rejects node -1) nothing is written. See reclaim.sh.
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64-16k}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/arm64.sh"
tr_use_arm64_binary
tr_arm64_keep_scenario 32
tb_finish
