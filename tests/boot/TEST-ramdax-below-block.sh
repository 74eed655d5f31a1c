#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ramdax (Linux 7.2): a carve of 2 GiB + 2 MiB + 128 KiB starting 2 MiB below a block boundary,
# nothing kept: the labels go in the last 128 KiB, the devdax data starts on the boundary: 2 GiB
# onlined, at most 2 MiB + 128 KiB lost. Compared with ndctl+daxctl on the same ramdax carve.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
memmap='memmap=0x80220000!0x107E00000'
tb_boot "$TB_WORK/ours.log" "$memmap pmemreclaim=ramdax" || tb_die "boot with pmemreclaim"
log=$TB_WORK/ours.log
tb_assert_eq "carve bytes" $((0x80220000)) "$(tb_carve_bytes "$log")"
tb_assert_eq "kmem bytes" $((2 * GiB)) "$(tb_kmem_bytes "$log")"
tb_assert_eq "bytes lost (info block + label area)" $((2 * MiB + 128 * 1024)) "$(tr_lost "$log")"
tb_assert_true "ramdax bound the carve" tr_dmesg_has "$log" "e820_pmem: bound to ramdax"
# The standard tools on the same ramdax carve (ramdax bound by hand, ndctl init-labels, a raw namespace
# for the kept bytes, devdax for the rest, daxctl; auto_online_blocks=offline or daxctl aborts on 7.x).
tb_ramfile_create "$TB_RAMDIR/ram-ndctl"
tb_boot "$TB_WORK/ndctl.log" "$memmap test.auto_online=offline test.run=ramdax-ndctl test.rd_keep=0 test.rd_align=2M" \
  "$TB_RAMDIR/ram-ndctl" || true
tr_compare "$memmap (ramdax)" "$log" 0 "$TB_WORK/ndctl.log"
tb_finish
