#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# arm64, 64K pages (sid-arm64-64k: built from Debian sid's linux-source by qemu/kernel-build.sh; QEMU virt
# -cpu max, TCG, NUMA node 0): 512 MiB memory blocks, 512 MiB PMD. One device-tree pmem-region carve of
# 2 GiB + 2 MiB starting 2 MiB below the 512 MiB block boundary 0x1c0000000 (0x1bfe00000, size 0x80200000;
# 8 GiB guest: RAM 0x40000000-0x23fffffff, mem=6142M so that the kernel's RAM ends where the carve starts
# and the carve ends with the guest's RAM), pmemreclaim=legacy, nothing kept. Its devdax has the page size
# (64 KiB) as its align, the info block takes 2 MiB (memremap_compat_align) and the data starts on the block
# boundary: the whole 2 GiB (4 blocks) onlined, 2 MiB lost, no Oops anywhere on the console. A second boot
# on the same RAM file reuses that layout: the same kmem bytes, the same nd_dax uuid (no new info block).
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64-64k}
export TB_PMEM=0x1bfe00000:$((0x80200000)) TB_MEM_LIMIT=${TB_MEM_LIMIT:-6142M} TB_NUMA=1
# a boot that Oopses may never get to poweroff; a good one takes well under a minute
TB_TIMEOUT=${TB_TIMEOUT:-120}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/arm64.sh"
tr_use_arm64_binary
tb_setup
tb_build_initrd
# the kernel's RAM 0x40000000-0x1bfdfffff spans 512 MiB blocks 2..13 (12), the carve's data blocks 14..17 (4)
tr_arm64_below_block_scenario 0x20000000 16 65536
tb_finish
