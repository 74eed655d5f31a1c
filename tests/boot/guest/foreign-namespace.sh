# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=foreign-namespace (Linux >= 6.19): binds ramdax by hand and makes a 512 MiB raw namespace
# called "foreign" in the label area, as some other tool would. Sourced by the test init.
# shellcheck shell=dash
for m in ramdax nd_pmem dax_pmem device_dax; do modprobe "$m" || say "error modprobe $m"; done
echo ramdax > /sys/bus/platform/devices/e820_pmem/driver_override
echo e820_pmem > /sys/bus/platform/drivers_probe || say "error drivers_probe"
cat /sys/bus/nd/devices/ndbus*/wait_probe >/dev/null 2>&1
ndctl disable-region all
ndctl init-labels -f all
ndctl enable-region all
ndctl create-namespace -r region0 -m raw -n foreign -s 512M >/dev/null || say "error create-namespace"
