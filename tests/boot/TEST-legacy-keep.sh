#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# memmap=126M!4G memmap=1922M!0x107E00000 pmemreclaim.keep=126M: the first region is kept data
# (a 126 MiB pattern written into guest RAM before boot), the second becomes devdax with its data on
# a block boundary: 1920 MiB onlined, and the kept bytes identical in the guest and in the RAM file.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
memmap='memmap=126M!4G memmap=1922M!0x107E00000'
kept=$((126 * MiB))
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 126 $kept)
want_guest=$(tb_pattern_sha256 126 $TB_GUEST_HASH)

tb_boot "$TB_WORK/ours.log" "$memmap pmemreclaim=legacy pmemreclaim.keep=126M test.kept=/dev/pmem0:$TB_GUEST_HASH" \
  || tb_die "boot with pmemreclaim"
log=$TB_WORK/ours.log
tb_assert_eq "carve bytes" $((2 * GiB)) "$(tb_carve_bytes "$log")"
tb_assert_eq "kmem bytes" $((1920 * MiB)) "$(tb_kmem_bytes "$log")"
tb_assert_eq "bytes lost" $((2 * MiB)) "$(tr_lost "$log" $kept)"
tb_assert_eq "kept bytes in the guest (/dev/pmem0, first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$log" sha256 2)"
tb_assert_eq "kept bytes in the RAM file after poweroff" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $kept)"
# The boot job's cheap look forced both namespaces raw while nd_pmem loaded; at /init the kept one is
# a raw namespace with struct pages again (mode memory), as without the look, and the other a devdax.
tb_assert_eq "namespaces at /init" "namespace0.0:mode=memory:force_raw=0,namespace1.0:mode=dax:force_raw=0," \
  "$(tb_report "$log" namespaces)"
tb_assert_true "the look forced both raw" tr_dmesg_has "$log" "no info block in their first 8 KiB: namespace0.0, namespace1.0"

tr_ndctl_boot "$TB_WORK/ndctl.log" "$memmap" namespace1.0 test.region_align=2M
tr_compare "$memmap keep=126M" "$log" $kept "$TB_WORK/ndctl.log"
tb_finish
