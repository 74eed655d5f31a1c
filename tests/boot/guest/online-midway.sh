#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# rdinit=/test/online-midway.sh pmemreclaim.init=/test/online-midway.sh (not sourced by the test init):
# onlining that fails midway. As PID 1 it has `pmemreclaim apply` lay out its devdax (namespace
# test.midway_ns, default namespace0.0) and online it, offlines its blocks again (kmem stays bound), and makes
# the kernel refuse memory block test.midway_block, then becomes pmemreclaim, which reuses the devdax
# and onlines. test.midway_fault=
#   hwpoison  (Linux >= 6.2) the block is onlined, one free page in it poisoned through
#             /sys/devices/system/memory/hard_offline_page, and offlined: the kernel refuses to online a
#             block with a poisoned page (EHWPOISON)
#   ro-state  its state file is covered by a read-only bind mount of a file reading "offline": writes
#             fail with EROFS (unmounted again when pmemreclaim hands over to this script)
# As pmemreclaim's next init it undoes the bind mount, reports the offline blocks (@@offline_blocks) and
# execs the test init.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
MEM=/sys/devices/system/memory
opt() {
  for w in $(cat /proc/cmdline); do
    case "$w" in "test.$1="*) echo "${w#test.$1=}"; return 0 ;; esac
  done
  return 1
}

if [ -e /run/online-midway.armed ]; then
  block=$(cat /run/online-midway.armed)
  grep -q " $MEM/memory$block/state " /proc/self/mountinfo && umount "$MEM/memory$block/state"
  off=
  for s in "$MEM"/memory*/state; do
    [ "$(cat "$s")" = online ] || off="$off $(basename "$(dirname "$s")")"
  done
  echo "@@offline_blocks${off:- none}"
  exec /init "$@"
fi

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
ns=$(opt midway_ns || echo namespace0.0)
block=$(opt midway_block || echo 40)
fault=$(opt midway_fault || echo ro-state)
echo offline > "$MEM/auto_online_blocks"
for m in nd_e820 nd_pmem dax_pmem device_dax kmem; do modprobe "$m"; done
cat /sys/bus/nd/devices/ndbus0/wait_probe >/dev/null 2>&1
# pmemreclaim's own layout (it reuses only what carries its mark): made by `pmemreclaim apply` with the
# command line's options, then every onlined block offlined again
/sbin/pmemreclaim apply >/dev/null 2>&1 || echo "@@error pmemreclaim apply"
[ -e "/sys/bus/nd/devices/$ns" ] || echo "@@error no $ns"
daxctl offline-memory all >/dev/null 2>&1 || echo "@@error daxctl offline-memory"
state=$MEM/memory$block/state
case "$fault" in
  hwpoison)
    echo online_movable > "$state" || echo "@@error online memory$block"
    bs=$((0x$(cat "$MEM/block_size_bytes")))
    echo $((block * bs + bs / 2)) > "$MEM/hard_offline_page" || echo "@@error hard_offline_page"
    echo offline > "$state" || echo "@@error offline memory$block"
    echo "@@hwpoison $(dmesg | grep -m1 'Memory failure:')"
    ;;
  ro-state)
    echo offline > /run/state
    mount --bind /run/state "$state" && mount -o remount,bind,ro "$state" || echo "@@error bind mount"
    ;;
esac
echo "$block" > /run/online-midway.armed
echo "@@midway fault=$fault memory$block state=$(cat "$state")"
exec /sbin/pmemreclaim "$@"
