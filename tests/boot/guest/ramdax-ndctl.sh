# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=ramdax-ndctl (Linux >= 6.19): the standard tools on a ramdax carve, for comparison with
# pmemreclaim=ramdax. Binds ramdax by hand to every pmem platform device (e820_pmem on x86, modalias
# with "Cpmem-region" on arm64; unbinding of_pmem/nd_e820 first), initialises the labels, then
#   ndctl create-namespace -r REGION -m raw -s KEEP        (test.rd_keep=BYTES, when not 0)
#   ndctl create-namespace -r REGION -m devdax -M mem -f   (the rest)
#   daxctl reconfigure-device -m system-ram all
# test.rd_align=2M|32M: write the region align first (ndctl refuses sizes not a multiple of it).
# Prints @@rd_bound, @@ndctl-begin/-end, @@ndctl_rc (the first non-zero), @@daxctl_rc, @@ndctl_seconds,
# @@dax_resource like the test init's test.ndctl path. Pass test.auto_online=offline on Debian 7.x.
# shellcheck shell=dash
for m in nd_pmem dax_pmem device_dax kmem; do modprobe "$m" || say "error modprobe $m"; done
for d in /sys/bus/platform/devices/*; do
  n=$(basename "$d")
  case "$n:$(cat "$d/modalias" 2>/dev/null)" in e820_pmem:*|*Cpmem-region*) ;; *) continue ;; esac
  [ -e "$d/driver" ] && { echo "$n" > "$d/driver/unbind" || say "error unbind $n"; }
  echo ramdax > "$d/driver_override" || say "error driver_override $n"
  modprobe ramdax || say "error modprobe ramdax"
  [ -e "$d/driver" ] || echo "$n" > /sys/bus/platform/drivers_probe || say "error drivers_probe $n"
  say "rd_bound $n $(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)"
done
cat /sys/bus/nd/devices/ndbus*/wait_probe >/dev/null 2>&1
ndctl disable-region all >/dev/null 2>&1
ndctl init-labels -f all 2>&1 | sed 's/^/@@rd_init_labels /'
ndctl enable-region all >/dev/null 2>&1
region=$(cd /sys/bus/nd/devices && ls -d region* 2>/dev/null | head -1)
if ra=$(opt rd_align); then
  case "$ra" in *[Mm]) ra=$(( ${ra%?} * 1048576 )) ;; *[Kk]) ra=$(( ${ra%?} * 1024 )) ;; esac
  say "region_align_before $region $(cat /sys/bus/nd/devices/$region/align)"
  echo "$ra" > /sys/bus/nd/devices/$region/align || say "error region_align"
  say "region_align_after $region $(cat /sys/bus/nd/devices/$region/align)"
fi
keep=$(opt rd_keep || echo 0)
echo "@@ndctl-begin"
t0=$(cut -d' ' -f1 /proc/uptime)
rc=0
if [ "$keep" != 0 ]; then
  ndctl create-namespace -r "$region" -m raw -s "$keep" -n ndctl-keep 2>&1; rc=$?
fi
ndctl create-namespace -r "$region" -m devdax -M mem -f -n ndctl-dax 2>&1 || { r=$?; [ "$rc" = 0 ] && rc=$r; }
say "ndctl_rc $rc"
daxctl reconfigure-device -m system-ram all 2>&1
say "daxctl_rc $?"
ndctl_end "$t0"
