# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=slices-by-hand (sourced by the test init; boot without pmemreclaim=): TEST-slices-hmem's slices
# made by hand with daxctl, as a careful admin would on a soft-reserved carve. dax_hmem is loaded with
# region_idle=1 and kmem only at the end: loaded plainly, dax_hmem makes one device over the whole region
# and Linux >= 6.3 hands it to kmem as soon as kmem loads, onlining the slices' bytes as RAM (seen on 7.2:
# all 3 GiB onlined). Then one device per slice in order (daxctl create-device -s SIZE -a ALIGN), the
# rest one device given to kmem (daxctl reconfigure-device -m system-ram). Reports each step's status
# (@@byhand_rc STEP RC), the time the steps took (@@byhand_ms, from /proc/uptime), then the dax devices
# (guest/slices.sh).
# shellcheck shell=dash
modprobe dax_hmem region_idle=1; say "byhand_rc dax_hmem $?"
modprobe device_dax
t0=$(cut -d' ' -f1 /proc/uptime)
: > /tmp/byhand.log
for s in 1G:1G 1G:1G 126M:2M; do
  daxctl create-device -r 0 -s "${s%%:*}" -a "${s##*:}" >>/tmp/byhand.log 2>&1; say "byhand_rc create-$s $?"
done
rest=$(daxctl create-device -r 0 2>>/tmp/byhand.log | sed -n 's/.*"chardev":"\(dax[0-9.]*\)".*/\1/p')
say "byhand_rest $rest"
modprobe kmem
# Debian's 7.x kernels online hot-added memory at once; daxctl refuses to online under that policy
echo offline > /sys/devices/system/memory/auto_online_blocks
daxctl reconfigure-device -m system-ram "$rest" >>/tmp/byhand.log 2>&1; say "byhand_rc system-ram $?"
t1=$(cut -d' ' -f1 /proc/uptime)
say "byhand_ms $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%d", (b-a)*1000}')"
sed 's/^/@@byhand_log /' /tmp/byhand.log
. /test/slices.sh
