#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# arm64, 16K pages (Debian sid linux-binary-*-arm64-16k, qemu-system-aarch64 virt -cpu max, TCG), pmemreclaim=auto
# choosing ramdax (legacy would online nothing: the keep lies inside the one region): one
# device-tree pmem-region carve of 2 GiB + 128 KiB at 0x1c0000000, keep=96M: a raw
# namespace over the 96 MiB, a devdax namespace at +96 MiB whose devdax align is the page size (16 KiB: its
# memory goes to kmem, no huge pages needed; a 32 MiB-aligned devdax on a namespace not 32 MiB aligned Oopses),
# its data on the next 32 MiB boundary (+128 MiB, measured), 15 blocks (2013265920 bytes) onlined, 32 MiB +
# 128 KiB lost (the 32 MiB before that boundary, the labels; a keep of 126 MiB would lose only 2 MiB +
# 128 KiB), the kept bytes identical in the guest and in the RAM file, no Oops. The same with ndctl + daxctl
# on the ramdax carve (its devdax keeps the kernel's 32 MiB align).
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64-16k}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/arm64.sh"
tr_use_arm64_binary
TR_STRATEGY=auto tr_arm64_ramdax_scenario 2 96 32
tb_finish
