#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# rdinit=/test/policy-hang.sh pmemreclaim.init=/test/policy-hang.sh (not sourced by the test init):
# the worker hangs in onlining while it holds the memory auto-online policy at offline, so that
# pmemreclaim.timeout kills it there. As PID 1 it has `pmemreclaim apply` lay out its devdax (it reuses
# only what carries its mark) and online it, offlines its blocks again (kmem stays bound; the policy at
# offline meanwhile, then put back as it was), and covers the state file of one of those offline memory
# blocks with a FIFO (bind mount): libdaxctl's read of that file before onlining it blocks for good,
# after pmemreclaim has held the policy at offline. Then it becomes pmemreclaim, which reuses the
# devdax. As pmemreclaim's next init it removes the FIFO (the test init reads every block's state) and
# execs the test init, which reports auto_online_blocks as pmemreclaim left it.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
MEM=/sys/devices/system/memory

if [ -e /run/policy-hang.armed ]; then
  state=$(cat /run/policy-hang.armed)
  grep -q " $state " /proc/self/mountinfo && umount "$state"
  echo "@@policy_hang released $state"
  exec /init "$@"
fi

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
policy=$(cat "$MEM/auto_online_blocks")
echo offline > "$MEM/auto_online_blocks"
for m in nd_e820 nd_pmem dax_pmem device_dax kmem; do modprobe "$m"; done
cat /sys/bus/nd/devices/ndbus0/wait_probe >/dev/null 2>&1
/sbin/pmemreclaim apply >/dev/null 2>&1 || echo "@@error pmemreclaim apply"
daxctl offline-memory all >/dev/null 2>&1 || echo "@@error daxctl offline-memory"
echo "$policy" > "$MEM/auto_online_blocks"
block=
for s in "$MEM"/memory*/state; do [ "$(cat "$s")" = offline ] && block=$(dirname "$s"); done
[ -n "$block" ] || echo "@@error no offline memory block"
mkfifo /run/state.fifo
mount --bind /run/state.fifo "$block/state" || echo "@@error bind mount"
echo "$block/state" > /run/policy-hang.armed
echo "@@policy_hang armed $block/state auto_online_blocks=$(cat "$MEM/auto_online_blocks")"
exec /sbin/pmemreclaim "$@"
