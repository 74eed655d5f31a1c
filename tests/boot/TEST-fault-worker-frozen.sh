#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault matrix, PID 1's bound (issue 21, point 3): a worker that SIGKILL does not end. The image's
# modprobe.d runs a script as kmem's install command (libkmod runs it from inside pmemreclaim's worker,
# after the devdax is made, before anything is onlined) that freezes the worker with the cgroup v1
# freezer (KERNEL-FACTS: a frozen task outlives SIGKILL, as one in uninterruptible sleep does), with
# pmemreclaim.timeout=1. Asserted on what the guest reports: the next init runs as PID 1, within a few
# seconds of pmemreclaim's start (timeout 1 s + the 3 s grace + TCG); the handoff record's error is the
# stuck worker's; the worker is still there, frozen. Before the bound, PID 1 waited for it forever and
# the guest never reached /init.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
freeze=$TB_WORK/freeze.sh
cat > "$freeze" <<'SH'
# kmem's install command: sh -c (child of pmemreclaim's worker) runs sh freeze.sh; freeze the worker
w=$(cut -d' ' -f4 /proc/$PPID/stat)
mount -t cgroup -o freezer freezer /sys/fs/cgroup 2>/dev/null
mkdir -p /sys/fs/cgroup/frozen
echo "$w" > /sys/fs/cgroup/frozen/tasks
echo FROZEN > /sys/fs/cgroup/frozen/freezer.state
echo "$w" > /run/frozen-worker
SH
conf=$TB_WORK/freeze.conf
echo 'install kmem /bin/sh /test/freeze.sh; /sbin/modprobe --ignore-install kmem' > "$conf"
tb_build_initrd --extra "$conf:/etc/modprobe.d/freeze.conf" --extra "$freeze:/test/freeze.sh"
tb_ramfile_create "$TB_RAMDIR/ram"
log=$TB_WORK/boot.log
TB_TIMEOUT=${TB_TIMEOUT:-180} tb_boot "$log" "memmap=2G!4G pmemreclaim=legacy pmemreclaim.timeout=1" \
  || tb_die "the next init was never reached (PID 1 waited for the frozen worker)"
tb_section "$log" kmsg | sed 's/^/    /' || true
tb_assert_eq "the next init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
start=$(tb_section "$log" dmesg | sed -n 's/^\[ *\([0-9.]*\)\] Run .*pmemreclaim as init process.*/\1/p' | head -1)
init=$(tb_report "$log" init_start 1 | sed 's/uptime=//')
took=$(awk -v a="$start" -v b="$init" 'BEGIN { printf "%d", b - a }')
tb_log "the kernel ran pmemreclaim as PID 1 at ${start}s, the next init at ${init}s"
tb_assert_true "the next init within 15 s of pmemreclaim's start (took ${took} s)" test -n "$start" -a "$took" -le 15
state=$(tb_report "$log" state_json)
tb_assert_true "the record's error: the worker did not end after SIGKILL" \
  eval "jq -e '.error | test(\"did not end within\")' <<<'$state' >/dev/null"
tb_assert_eq "nothing onlined (the worker froze before onlining)" 0 "$(tb_kmem_bytes "$log")"
tb_finish
