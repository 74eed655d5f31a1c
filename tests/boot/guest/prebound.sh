#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# rdinit=/test/prebound.sh (not sourced by the test init): /proc, /sys and /dev mounted and the
# nvdimm and dax drivers loaded and bound before pmemreclaim runs, as when udev or built-in drivers
# got there first; then this PID 1 becomes pmemreclaim.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
for m in nd_e820 nd_pmem dax_pmem device_dax kmem; do modprobe "$m"; done
cat /sys/bus/nd/devices/ndbus0/wait_probe >/dev/null 2>&1
exec /sbin/pmemreclaim "$@"
