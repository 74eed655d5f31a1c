#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault matrix, carve geometry: a carve smaller than one memory block, a carve unaligned at both ends
# (nothing may be written: the bytes where an info block would go are checked in the RAM file), and two
# non-adjacent carves (both reclaimed; with keep, only the second).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd

# 64 MiB: nothing can be onlined, so no info block is written.
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 12 $MiB)
tb_boot "$TB_WORK/small.log" "memmap=64M!4G pmemreclaim=legacy" || tb_die "small carve: no boot"
tb_assert_eq "small carve: kmem bytes" 0 "$(tb_kmem_bytes "$TB_WORK/small.log")"
tb_assert_eq "small carve: the record says why" "leave too-small" \
  "$(tb_record "$TB_WORK/small.log" '.carves[0].regions[0] | "\(.action) \(.reason)"')"
tb_assert_eq "small carve: no info block written" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $MiB)"

# Start 1 MiB past 4 GiB, size not a multiple of 2 MiB.
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB + MiB)) 13 $MiB)
tb_boot "$TB_WORK/unaligned.log" "memmap=0x7FF00000!0x100100000 pmemreclaim=legacy" || tb_die "unaligned: no boot"
tb_assert_eq "unaligned carve: kmem bytes" 0 "$(tb_kmem_bytes "$TB_WORK/unaligned.log")"
tb_assert_eq "unaligned carve: the record says why" "leave unaligned" \
  "$(tb_record "$TB_WORK/unaligned.log" '.carves[0].regions[0] | "\(.action) \(.reason)"')"
tb_assert_eq "unaligned carve: bytes unchanged" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB + MiB)) $MiB)"

# Two 1 GiB carves with a gap: 896 MiB each; keep=126M keeps the first one's start, so the first
# region is refused (its info block would land on kept data) and only the second is reclaimed.
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 14 $MiB)
tb_boot "$TB_WORK/two.log" "memmap=1G!4G memmap=1G!6G pmemreclaim=legacy" || tb_die "two carves: no boot"
tb_assert_eq "two carves: kmem bytes" $((2 * 896 * MiB)) "$(tb_kmem_bytes "$TB_WORK/two.log")"
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 15 $((126 * MiB)))
tb_boot "$TB_WORK/two-keep.log" "memmap=1G!4G memmap=1G!6G pmemreclaim=legacy pmemreclaim.keep=126M" \
  || tb_die "two carves with keep: no boot"
tb_assert_eq "two carves, keep: kmem bytes (second carve only)" $((896 * MiB)) "$(tb_kmem_bytes "$TB_WORK/two-keep.log")"
tb_assert_eq "two carves, keep: kept bytes in the RAM file" "$want" \
  "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $((126 * MiB)))"
tb_finish
