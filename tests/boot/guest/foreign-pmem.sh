#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# rdinit=/test/foreign-pmem.sh (not sourced by the test init): the drivers of other pmem beside the carve
# - an ACPI NFIT NVDIMM (nfit) and a virtio-pmem device (virtio_pci, virtio_pmem) - are loaded and their
# nd buses probed before pmemreclaim runs, as udev or built-in drivers would on a real machine; then this
# PID 1 becomes pmemreclaim. The nvdimm/dax drivers of the carve itself are left to pmemreclaim.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
for m in nfit virtio_pci virtio_pmem; do
  modprobe "$m" 2>/dev/null || echo "foreign-pmem.sh: modprobe $m failed" > /dev/kmsg
done
# both buses (ACPI.NFIT and virtio-pmem's), at most 10 s
i=0
while [ "$(ls -d /sys/bus/nd/devices/ndbus* 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do
  sleep 0.1; i=$((i + 1))
done
for w in /sys/bus/nd/devices/ndbus*/wait_probe; do cat "$w" >/dev/null 2>&1; done
echo "foreign-pmem.sh: nd buses: $(cat /sys/bus/nd/devices/ndbus*/provider 2>/dev/null | tr '\n' ' ')" > /dev/kmsg
exec /sbin/pmemreclaim "$@"
