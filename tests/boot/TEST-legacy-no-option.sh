#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# No pmemreclaim= option: the binary hands off at once and nothing changes: the carve stays legacy
# pmem, nothing is onlined, no dax device exists, and the bytes at 4G are unchanged.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 7 $MiB)
tb_boot "$TB_WORK/boot.log" "memmap=2G!4G test.modprobe=nd_e820,nd_pmem test.kept=/dev/pmem0:$MiB" \
  || tb_die "boot did not reach the test init"
log=$TB_WORK/boot.log
tb_assert_eq "the test init runs as PID 1 (exec'd by pmemreclaim)" pid=1 "$(tb_report "$log" init_start 2)"
tb_assert_eq "no module loaded before the test init" "" "$(tb_report "$log" modules_at_init)"
tb_assert_eq "carve left as legacy pmem" $((2 * GiB)) "$(tb_carve_bytes "$log")"
tb_assert_eq "kmem bytes" 0 "$(tb_kmem_bytes "$log")"
tb_assert_eq "carve bytes in the guest" "$want" "$(tb_report "$log" sha256 2)"
tb_assert_eq "carve bytes in the RAM file" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $MiB)"
tb_finish
