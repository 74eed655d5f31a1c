#!/bin/bash
# Fault matrix, the handoff: pmemreclaim.init pointing to a missing file (fall back to /init and say
# so), and the time bound: pmemreclaim.timeout=1 stops a job that takes longer (onlining 2 GiB under
# TCG takes seconds) and the boot goes on.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_WORK/ram"
tb_boot "$TB_WORK/missing-init.log" "memmap=2G!4G pmemreclaim=legacy pmemreclaim.init=/no/such/init" \
  || tb_die "missing init: did not reach /init"
log=$TB_WORK/missing-init.log
tb_assert_eq "missing init: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
tb_assert_true "missing init: says so" tr_dmesg_has "$log" "cannot execute /no/such/init"
tb_assert_eq "missing init: the reclaim itself happened" $((1920 * MiB)) "$(tb_kmem_bytes "$log")"

tb_ramfile_create "$TB_WORK/ram"
tb_boot "$TB_WORK/timeout.log" "memmap=2G!4G pmemreclaim=legacy pmemreclaim.timeout=1" \
  || tb_die "timeout: did not reach /init"
log=$TB_WORK/timeout.log
tb_assert_eq "timeout: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
tb_assert_true "timeout: says so" tr_dmesg_has "$log" "timed out after 1 s"
echo "[$TB_NAME] RESULT timeout: kmem bytes when the bound hit: $(tb_kmem_bytes "$log")"
tb_finish
