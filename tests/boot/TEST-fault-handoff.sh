#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault matrix, the handoff: pmemreclaim.init pointing to a missing file (fall back to /init and say
# so), and the time bound: pmemreclaim.timeout=1 stops a job that takes longer and the boot goes on.
# The job is made to take longer the same way on every machine: the image's modprobe.d gives kmem an
# install command that sleeps 3 s (libkmod runs it from pmemreclaim's worker, after the devdax is made,
# before anything is onlined). A carve large enough to take more than 1 s was the bound's trigger
# before; on a faster host the 14 GiB job took 953 ms and the test failed. 126 MiB of the carve are
# kept, a region of their own that the boot job's cheap look keeps forced raw until the job ends: the
# worker is killed before that, and PID 1 gives the namespace back to the kernel's probe.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
tb_boot "$TB_WORK/missing-init.log" "memmap=2G!4G pmemreclaim=legacy pmemreclaim.init=/no/such/init" \
  || tb_die "missing init: did not reach /init"
log=$TB_WORK/missing-init.log
tb_assert_eq "missing init: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
tb_assert_true "missing init: says so" tr_dmesg_has "$log" "cannot execute /no/such/init"
tb_assert_eq "missing init: the reclaim itself happened" $((1920 * MiB)) "$(tb_kmem_bytes "$log")"

conf=$TB_WORK/slow-kmem.conf
echo 'install kmem sleep 3; /sbin/modprobe --ignore-install kmem' > "$conf"
tb_build_initrd "$TB_WORK/slow.cpio.gz" --extra "$conf:/etc/modprobe.d/slow-kmem.conf"
tb_ramfile_create "$TB_RAMDIR/ram"
tb_boot "$TB_WORK/timeout.log" "memmap=126M!4G memmap=1922M!0x107E00000 pmemreclaim=legacy pmemreclaim.keep=126M pmemreclaim.timeout=1" \
  || tb_die "timeout: did not reach /init"
log=$TB_WORK/timeout.log
tb_assert_eq "timeout: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
tb_assert_true "timeout: says so" tr_dmesg_has "$log" "timed out after 1 s"
tb_assert_true "timeout: the worker did not say it finished" tr_dmesg_lacks "$log" "pmemreclaim: timing: job"
tb_assert_eq "timeout: the kept namespace given back by PID 1 (not forced raw, struct pages)" \
  "namespace0.0:mode=memory:force_raw=0," "$(tb_report "$log" namespaces | cut -d, -f1),"
tb_assert_true "timeout: PID 1 says so" tr_dmesg_has "$log" "namespace0.0 (left raw) given back to the kernel's probe: raw"
tb_assert_eq "timeout: no namespace left forced raw" "" "$(tb_report "$log" namespaces | tr ',' '\n' | grep force_raw=1 || true)"
tb_assert_eq "timeout: nothing onlined (kmem was still loading)" 0 "$(tb_kmem_bytes "$log")"
tb_finish
