#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The harness itself: guest physical 4 GiB is RAM-file offset 3 GiB on `pc` with 8 GiB, a pattern
# written into the RAM file before boot is read back unchanged through /dev/pmem0 (memmap=2G!4G),
# and is still in the file after poweroff. Uses the placeholder /sbin/pmemreclaim.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tb_setup
tb_build_initrd "$TB_WORK/test.cpio.gz" --placeholder
ram=$TB_RAMDIR/ram
tb_ramfile_create "$ram"
want=$(tb_write_pattern "$ram" $((4 * GiB)) 7 $MiB)
tail_want=$(tb_write_pattern "$ram" $((6 * GiB - MiB)) 8 $MiB)
tb_boot "$TB_WORK/boot.log" "memmap=2G!4G test.modprobe=nd_e820,nd_pmem test.kept=/dev/pmem0:$MiB" "$ram" \
  || tb_die "boot failed"
log=$TB_WORK/boot.log
echo "[$TB_NAME] RESULT wall=${TB_WALL}s init_at=$(tb_report "$log" init_start 1) memtotal_kb=$(tb_report "$log" memtotal_kb) modules_at_init='$(tb_report "$log" modules_at_init)'"
tb_assert_eq "carve bytes" $((2 * GiB)) "$(tb_carve_bytes "$log")"
tb_assert_eq "/dev/pmem0 size" $((2 * GiB)) "$(tb_report "$log" kept_size 2)"
tb_assert_eq "guest sha256 of /dev/pmem0 (file offset 3 GiB)" "$want" "$(tb_report "$log" sha256 2)"
tb_assert_eq "RAM file at 4G after poweroff" "$want" "$(tb_read_sha256 "$ram" $((4 * GiB)) $MiB)"
tb_assert_eq "RAM file at 6G-1M after poweroff" "$tail_want" "$(tb_read_sha256 "$ram" $((6 * GiB - MiB)) $MiB)"
tb_finish
