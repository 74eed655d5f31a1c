# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=fsdax: an fsdax namespace on the legacy carve (region of namespace0.0), as someone else would
# make it. With test.fsdax=make (a boot without pmemreclaim=): what `ndctl create-namespace -f -e
# namespace0.0 -m fsdax -M mem` does, through the region's pfn_seed, then /test/fsdax-pattern written at
# the start of /dev/pmem0. Always: what the kernel says about the
# namespace, its pfn device and the carve's platform device. Sourced by the test init.
# shellcheck shell=dash
ns=namespace0.0
for m in nd_e820 nd_pmem; do modprobe "$m" 2>/dev/null; done
i=0; while [ ! -e /sys/bus/nd/devices/$ns ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
cat /sys/bus/nd/devices/ndbus*/wait_probe >/dev/null 2>&1
if [ "$(opt fsdax)" = make ]; then
  # what `ndctl create-namespace -m fsdax -M mem` does (KERNEL-FACTS "fsdax by hand"). Done by hand:
  # ndctl 76.1 took namespace0.0 (mode "memory": a label-less e820 namespace that maps pages) for
  # fsdax already, said so in its JSON and changed nothing. Page structs in RAM (mode "ram"), so the
  # kernel writes nothing into the carve when it probes the namespace on later boots.
  region=$(basename "$(readlink -f /sys/bus/nd/devices/$ns/..)")
  pfn=$(cat /sys/bus/nd/devices/$region/pfn_seed)
  echo $ns > /sys/bus/nd/drivers/nd_pmem/unbind
  cat /proc/sys/kernel/random/uuid > /sys/bus/nd/devices/$pfn/uuid
  echo 2097152 > /sys/bus/nd/devices/$pfn/align
  echo ram > /sys/bus/nd/devices/$pfn/mode
  echo $ns > /sys/bus/nd/devices/$pfn/namespace
  echo $pfn > /sys/bus/nd/drivers/nd_pmem/bind
  # shellcheck disable=SC2320  # the write to bind is the step whose status is reported
  rc=$?
  say "fsdax_made $pfn rc=$rc"
  i=0; while [ ! -b /dev/pmem0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  dd if=/test/fsdax-pattern of=/dev/pmem0 bs=1M conv=fsync 2>/dev/null
  say "fsdax_write_rc $?"
  sync
fi
d=/sys/bus/nd/devices/$ns
say "fsdax_namespace $ns mode=$(cat $d/mode 2>/dev/null) holder=$(cat $d/holder 2>/dev/null) driver=$(basename "$(readlink $d/driver)" 2>/dev/null)"
for p in /sys/bus/nd/devices/pfn*; do
  [ -n "$(cat "$p/namespace" 2>/dev/null)" ] || continue
  say "fsdax_pfn $(basename "$p") namespace=$(cat "$p/namespace") mode=$(cat "$p/mode") align=$(cat "$p/align") uuid=$(cat "$p/uuid") resource=$(cat "$p/resource" 2>/dev/null) size=$(cat "$p/size" 2>/dev/null)"
done
drv=/sys/bus/platform/devices/e820_pmem/driver
say "fsdax_e820_pmem_driver $([ -e $drv ] && basename "$(readlink $drv)" || echo none) override=$(cat /sys/bus/platform/devices/e820_pmem/driver_override 2>/dev/null)"
say "fsdax_pmem0 $([ -b /dev/pmem0 ] && blockdev --getsize64 /dev/pmem0 || echo missing)"
