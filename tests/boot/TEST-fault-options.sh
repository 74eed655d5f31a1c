#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault matrix, options: duplicated keys with different values, an absurd size, keep larger than the
# carve, a bad named-slice description and slices that do not fit the carve. Each boot must reach the
# next init with the carve's bytes unchanged and say what was wrong.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 11 $MiB)
n=0
while IFS='|' read -r opts line; do
  n=$((n + 1)); log=$TB_WORK/case$n.log
  tb_boot "$log" "memmap=2G!4G $opts test.modprobe=nd_e820,nd_pmem test.kept=/dev/pmem0:$MiB" \
    || { tb_fail "'$opts': did not reach the next init"; continue; }
  tb_assert_eq "'$opts': test init is PID 1" pid=1 "$(tb_report "$log" init_start 2)"
  tb_assert_eq "'$opts': kmem bytes" 0 "$(tb_kmem_bytes "$log")"
  tb_assert_eq "'$opts': carve bytes unchanged" "$want" "$(tb_report "$log" sha256 2)"
  tb_assert_true "'$opts': says \"$line\"" tr_dmesg_has "$log" "$line"
done <<'CASES'
pmemreclaim=legacy pmemreclaim.keep=1G pmemreclaim.keep=2G|pmemreclaim.keep given twice with different values
pmemreclaim=legacy pmemreclaim.keep=99999999999999999999G|bad pmemreclaim.keep=99999999999999999999G
pmemreclaim=legacy pmemreclaim=ramdax|pmemreclaim given twice with different values
pmemreclaim=legacy pmemreclaim.keep=3G|is larger than the first carve
pmemreclaim=legacy pmemreclaim.keep=vm*2:1G@3G|bad pmemreclaim.keep=vm*2:1G@3G
pmemreclaim=legacy pmemreclaim.keep=vm*3:1G@1G|slice vm2 (1 GiB at 1 GiB) does not fit
CASES
tb_assert_eq "RAM file bytes at 4G" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $MiB)"
tb_finish
