#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `pmemreclaim release` gives back only what pmemreclaim onlined (issue 21, point 4), Linux 7.2: soft-reserved
# memory (memmap=1G%6G-1+0xefffffff) that the OS onlines itself (the test init loads dax_hmem and kmem, as
# Linux >= 6.3 does with EFI_MEMORY_SP memory) beside a memmap=2G!4G carve that `pmemreclaim apply
# --strategy=legacy` reclaims on the running system (its record names what it onlined). Then
# `pmemreclaim release`: the carve's 1920 MiB are given back, the OS's 1 GiB stays online. Before, every
# soft-reserved kmem device counted as pmemreclaim's and release offlined it too. Asserted on the guest
# kernel's /proc/iomem (System RAM (kmem) bytes) at each step.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
log=$TB_WORK/boot.log
tb_boot "$log" "memmap=2G!4G memmap=1G%6G-1+0xefffffff nokaslr test.run=release-os-hmem" || tb_die "no report"
< "$log" grep '^@@os_hmem' | sed 's/^/    /'
tb_assert_eq "the OS onlined its soft-reserved 1 GiB itself" $GiB "$(tb_report "$log" os_hmem_kmem_os)"
tb_assert_eq "apply --strategy=legacy: exit status" 0 "$(tb_report "$log" os_hmem_apply_rc)"
tb_assert_eq "apply: the carve's 1920 MiB onlined beside it" $((GiB + 1920 * MiB)) "$(tb_report "$log" os_hmem_kmem_applied)"
tb_assert_eq "release: exit status" 0 "$(tb_report "$log" os_hmem_release_rc)"
tb_assert_eq "release: the carve's memory given back, the OS's 1 GiB still online" $GiB \
  "$(tb_report "$log" os_hmem_kmem_released)"
tb_finish
