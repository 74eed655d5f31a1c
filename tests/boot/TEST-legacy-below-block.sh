#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# memmap=0x80200000!0x13FE00000: 2 GiB + 2 MiB starting 2 MiB below a block boundary. The devdax
# data starts on the boundary: 2 GiB onlined, 2 MiB lost. (ndctl needs the region align lowered
# to 2M by hand to do the same; pmemreclaim needs no such step.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
memmap='memmap=0x80200000!0x13FE00000'

tb_boot "$TB_WORK/ours.log" "$memmap pmemreclaim=legacy" || tb_die "boot with pmemreclaim"
log=$TB_WORK/ours.log
tb_assert_eq "carve bytes" $((0x80200000)) "$(tb_carve_bytes "$log")"
tb_assert_eq "kmem bytes" $((2 * GiB)) "$(tb_kmem_bytes "$log")"
tb_assert_eq "bytes lost" $((2 * MiB)) "$(tr_lost "$log")"
tb_assert_true "no advice when at most 2 MiB is lost" tr_dmesg_lacks "$log" "to lose less next boot"

tr_ndctl_boot "$TB_WORK/ndctl.log" "$memmap" namespace0.0 test.region_align=2M
tr_compare "$memmap" "$log" 0 "$TB_WORK/ndctl.log"
tb_finish
