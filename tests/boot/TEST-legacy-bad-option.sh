#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad options: one clear error in the kernel log, the carve untouched, and the machine still boots
# to the next init. Two cases: an unknown strategy, and a typo in a key next to a valid strategy.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 9 $MiB)
n=0
for bad in 'pmemreclaim=fast' 'pmemreclaim=legacy pmemreclaim.kep=126M'; do
  n=$((n + 1))
  log=$TB_WORK/bad$n.log
  tb_boot "$log" "memmap=2G!4G $bad test.modprobe=nd_e820,nd_pmem test.kept=/dev/pmem0:$MiB" \
    || { tb_fail "'$bad': the machine did not boot to the test init"; continue; }
  tb_assert_eq "'$bad': test init is PID 1" pid=1 "$(tb_report "$log" init_start 2)"
  tb_assert_eq "'$bad': kmem bytes" 0 "$(tb_kmem_bytes "$log")"
  tb_assert_eq "'$bad': carve left as legacy pmem" $((2 * GiB)) "$(tb_carve_bytes "$log")"
  tb_assert_eq "'$bad': carve bytes unchanged" "$want" "$(tb_report "$log" sha256 2)"
  tb_assert_eq "'$bad': the record: not ok, bad options, no carve" "false bad options 0" \
    "$(tb_record "$log" '"\(.ok) \(.error) \(.carves | length)"')"
done
tb_assert_eq "RAM file bytes at 4G" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $MiB)"
tb_finish
