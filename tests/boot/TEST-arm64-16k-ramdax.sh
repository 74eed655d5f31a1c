#!/bin/bash
# arm64, 16K pages (Debian sid linux-binary-*-arm64-16k, qemu-system-aarch64 virt -cpu max, TCG), ramdax: one
# device-tree pmem-region carve of 2 GiB + 128 KiB at 0x1c0000000, pmemreclaim=ramdax keep=96M: a raw
# namespace over the 96 MiB, a devdax namespace at +96 MiB whose devdax align is the page size (16 KiB: its
# memory goes to kmem, no huge pages needed), so its info block is 2 MiB, not the 32 MiB of the kernel's
# default (PMD) align: data from +98 MiB, 15 blocks (2013265920 bytes) onlined from the boundary at +128 MiB,
# 32 MiB + 128 KiB lost (the 30 MiB before that boundary, the info block, the labels; a keep of 126 MiB
# would lose only 2 MiB + 128 KiB), the kept bytes identical in the guest and in the RAM file, no Oops. The
# same with ndctl + daxctl on the ramdax carve (its devdax keeps the kernel's 32 MiB align).
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64-16k}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_use_arm64_binary
tr_arm64_ramdax_scenario 2 96 32
tb_finish
