#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# arm64, 16K pages (Debian sid linux-binary-*-arm64-16k, QEMU virt -cpu max, TCG, NUMA node 0): one
# device-tree pmem-region carve of 2 GiB + 2 MiB starting 2 MiB below the 128 MiB block boundary
# 0x1c0000000 (0x1bfe00000, size 0x80200000; 8 GiB guest, mem=6142M so that the kernel's RAM ends where
# the carve starts), pmemreclaim=legacy, nothing kept. A devdax with the kernel's 32 MiB PMD align there
# made the kernel Oops (device_dax maps the namespace with 32 MiB compound pages from a start that is
# not 32 MiB aligned; KERNEL-FACTS "Measured 2026-12-02"). With the page size as the devdax align its
# info block takes 2 MiB and the data starts on the block boundary: the whole 2 GiB onlined, 2 MiB lost,
# no Oops anywhere on the console. A second boot on the same RAM file reuses that layout: the same kmem
# bytes, the same nd_dax uuid (no new info block).
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64-16k}
export TB_PMEM=0x1bfe00000:$((0x80200000)) TB_MEM_LIMIT=${TB_MEM_LIMIT:-6142M} TB_NUMA=1
# a boot that Oopses may never get to poweroff; a good one takes well under a minute
TB_TIMEOUT=${TB_TIMEOUT:-120}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/arm64.sh"
tr_use_arm64_binary
tb_setup
tb_build_initrd
tr_arm64_below_block_scenario 0x8000000
tb_finish
