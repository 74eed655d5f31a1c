#!/bin/bash
# arm64, 16K pages (Debian sid linux-binary-*-arm64-16k, qemu-system-aarch64 virt -cpu max, TCG), ramdax: one
# device-tree pmem-region carve of 2 GiB + 128 KiB at 0x1c0000000, pmemreclaim=ramdax keep=96M: a raw
# namespace over the 96 MiB, a devdax namespace at +96 MiB (32 MiB aligned: the 16K dax align; a devdax
# namespace not aligned to it oopses the kernel) whose 32 MiB info block ends on the block boundary +128 MiB:
# 15 blocks (2013265920 bytes) onlined, 32 MiB + 128 KiB lost (info block + labels), the kept bytes identical
# in the guest and in the RAM file. The same with ndctl + daxctl on the ramdax carve.
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64-16k}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_use_arm64_binary
tr_arm64_ramdax_scenario 32 96
tb_finish
