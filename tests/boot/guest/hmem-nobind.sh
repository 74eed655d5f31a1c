#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# rdinit=/test/hmem-nobind.sh (not sourced by the test init): the hmem split cannot finish. As PID 1
# it loads device_dax (dax_hmem is left to pmemreclaim) and covers device_dax's new_id and bind files
# with read-only bind mounts: binding the kept device to device_dax fails (EROFS) after it was sized.
# Then it becomes pmemreclaim. The mounts stay (nothing later writes those files).
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
modprobe device_dax
: > /run/ro
for f in new_id bind; do
  p=/sys/bus/dax/drivers/device_dax/$f
  mount --bind /run/ro "$p" && mount -o remount,bind,ro "$p" || echo "@@error read-only bind mount over $p"
done
echo "@@hmem_nobind device_dax new_id and bind read-only"
exec /sbin/pmemreclaim "$@"
