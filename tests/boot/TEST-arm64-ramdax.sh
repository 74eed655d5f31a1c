#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# arm64, 4K pages (Debian sid linux-binary-*-arm64, qemu-system-aarch64 virt -cpu max, TCG), pmemreclaim=auto
# choosing ramdax (legacy would online nothing: the keep lies inside the one region): one
# device-tree pmem-region carve of 2 GiB + 128 KiB at 0x1c0000000, keep=126M: a raw
# namespace over the 126 MiB, a devdax namespace at +126 MiB (2 MiB aligned) whose data starts on the block
# boundary +128 MiB: 15 blocks (2013265920 bytes) onlined, 2 MiB + 128 KiB lost (info block + labels), the
# kept bytes identical in the guest and in the RAM file. The same with ndctl + daxctl on the ramdax carve.
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/arm64.sh"
tr_use_arm64_binary
TR_STRATEGY=auto tr_arm64_ramdax_scenario 2 126
tb_finish
