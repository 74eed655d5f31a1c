#!/bin/bash
# Fault matrix, the handoff: pmemreclaim.init pointing to a missing file (fall back to /init and say
# so), and the time bound: pmemreclaim.timeout=1 stops a job that takes longer and the boot goes on.
# The job on a 2 GiB carve takes 0.7 s under TCG (qemu/bench.sh: about 0.56 s + 0.14 s per GiB as
# PID 1), so the bound is shown on a 14 GiB carve in a 20 GiB guest: about 2.5 s of work.
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

TB_MEM=20G
tb_ramfile_create "$TB_WORK/ram"
tb_boot "$TB_WORK/timeout.log" "memmap=14G!4G pmemreclaim=legacy pmemreclaim.timeout=1" \
  || tb_die "timeout: did not reach /init"
log=$TB_WORK/timeout.log
tb_assert_eq "timeout: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
tb_assert_true "timeout: says so" tr_dmesg_has "$log" "timed out after 1 s"
tb_assert_true "timeout: the worker did not say it finished" tr_dmesg_lacks "$log" "pmemreclaim: timing: job"
echo "[$TB_NAME] RESULT timeout: kmem bytes when the bound hit: $(tb_kmem_bytes "$log")"
tb_finish
