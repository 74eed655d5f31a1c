# SPDX-License-Identifier: GPL-2.0-or-later
# Experiment (sourced by /init with test.run=sysfs-devdax): turn the legacy namespace into a devdax
# with sysfs writes only (no ndctl), then hand it to kmem and online it by hand. Prints @@x lines.
# Options: test.exp_order=e820_first|pmem_first  test.exp_ns=namespace0.0  test.exp_ralign=BYTES
#          test.exp_align=BYTES (dax seed align)  test.exp_uuid=0 (skip the uuid write first)
# shellcheck shell=dash
ND=/sys/bus/nd/devices
x() { echo "@@x $*"; }
w() {  # w VALUE FILE
  if echo "$1" > "$2" 2>/tmp/werr; then x "write ok   $2 <- $1"
  else x "write FAIL $2 <- $1: $(sed 's/.*: //' /tmp/werr)"; return 1; fi
}
show() { for f; do x "  $f = $(cat "$f" 2>&1 | tr '\n' ' ')"; done; }
klog() { dmesg | tail -n "${1:-6}" | sed 's/^/@@x   klog: /'; }
state() {
  x "  modules: $(awk '{printf "%s,", $1}' /proc/modules)"
  x "  /dev: $(cd /dev && ls -d pmem* dax* 2>/dev/null | tr '\n' ' ')"
  x "  nd devices: $(ls $ND 2>/dev/null | tr '\n' ' ')"
}
order=$(opt exp_order || echo e820_first)
ns=$(opt exp_ns || echo namespace0.0)
x "order=$order ns=$ns"
x "platform: $(cd /sys/bus/platform/devices && for d in *pmem* *PMEM*; do [ -e "$d" ] && printf '%s ' "$d"; done) modalias=$(cat /sys/bus/platform/devices/e820_pmem/modalias 2>&1)"
state
if [ "$order" = pmem_first ]; then
  for m in nd_pmem dax_pmem device_dax kmem; do modprobe $m; done
  x "loaded nd_pmem dax_pmem device_dax kmem, then nd_e820"; state
  t0=$(cut -d' ' -f1 /proc/uptime); modprobe nd_e820; t1=$(cut -d' ' -f1 /proc/uptime)
  x "after modprobe nd_e820 (took $t0 -> $t1)"; state
  x "ndbus0/wait_probe: $(cat /sys/bus/nd/devices/ndbus0/wait_probe 2>&1) at $(cut -d' ' -f1 /proc/uptime)"; state
else
  modprobe nd_e820; x "after modprobe nd_e820 only"; state
  modprobe dax_pmem; modprobe device_dax; modprobe kmem
  x "after modprobe dax_pmem device_dax kmem (nd_pmem not loaded)"; state
fi
region=$(basename "$(readlink -f $ND/$ns/..)")
show $ND/$region/align $ND/$region/size $ND/$region/dax_seed $ND/$region/pfn_seed $ND/$region/namespace_seed \
     $ND/$ns/resource $ND/$ns/size $ND/$ns/nstype $ND/$ns/mode $ND/$ns/holder
x "  $ns driver: $(basename "$(readlink $ND/$ns/driver 2>/dev/null)" 2>/dev/null)"
if ra=$(opt exp_ralign); then w "$ra" $ND/$region/align; fi
seed=$(cat $ND/$region/dax_seed)
x "seed=$seed"
show $ND/$seed/mode $ND/$seed/align $ND/$seed/uuid $ND/$seed/namespace $ND/$seed/supported_alignments $ND/$seed/resource $ND/$seed/size
bind() {
  if echo "$seed" > /sys/bus/nd/drivers/dax_pmem/bind 2>/tmp/werr; then x "bind ok"; return 0; fi
  x "bind FAIL: $(sed 's/.*: //' /tmp/werr)"; klog 4; return 1
}
holder=$(cat $ND/$ns/holder 2>/dev/null)
[ -n "$holder" ] && x "$ns already claimed by $holder (mode $(cat $ND/$ns/mode)): creating nothing"
if [ -z "$holder" ] && [ -e $ND/$ns/driver ]; then
  x "unbinding $ns from $(basename "$(readlink $ND/$ns/driver)")"
  w "$ns" $ND/$ns/driver/unbind || true
  x "  /dev after unbind: $(cd /dev && ls -d pmem* 2>/dev/null)"
fi
[ -z "$holder" ] && w "$ns" $ND/$seed/namespace
[ -z "$holder" ] && { x "attempt 1: namespace only"; bind; } || [ -n "$holder" ] || {
  w ram $ND/$seed/mode
  x "attempt 2: namespace + mode=ram"; bind || {
    if al=$(opt exp_align); then w "$al" $ND/$seed/align; fi
    w "$(cat /proc/sys/kernel/random/uuid)" $ND/$seed/uuid
    x "attempt 3: namespace + mode=ram + uuid"; bind || true
  }
}
show $ND/$seed/mode $ND/$seed/align $ND/$seed/uuid $ND/$seed/namespace $ND/$seed/resource $ND/$seed/size
klog 6
state
for d in /sys/bus/dax/devices/dax*; do
  [ -e "$d" ] || continue
  x "$(basename $d): driver=$(basename "$(readlink $d/driver)") resource=$(cat $d/resource 2>&1) size=$(cat $d/size) align=$(cat $d/align 2>&1) target_node=$(cat $d/target_node 2>&1)"
done
grep -iE 'dax|persistent|namespace|pmem' /proc/iomem | sed 's/^/@@x   iomem: /'
# ---- hand dax0.0 to kmem ----
dd=$(ls /sys/bus/dax/devices | head -1)
if [ -n "$dd" ]; then
  w "$dd" /sys/bus/dax/drivers/device_dax/unbind || true
  w "$dd" /sys/bus/dax/drivers/kmem/new_id || true
  [ -e /sys/bus/dax/devices/$dd/driver ] || w "$dd" /sys/bus/dax/drivers/kmem/bind || true
  x "$dd driver now: $(basename "$(readlink /sys/bus/dax/devices/$dd/driver)")"
  klog 4
  grep -i kmem /proc/iomem | sed 's/^/@@x   iomem: /'
  off=""; for s in /sys/devices/system/memory/memory*/state; do [ "$(cat $s)" = offline ] && off="$off $(basename "$(dirname $s)")"; done
  x "offline blocks after kmem:$off"
  first=""
  for b in $off; do
    z=$(cat /sys/devices/system/memory/$b/valid_zones)
    [ -z "$first" ] && { first=$b; x "  $b valid_zones=$z phys_index=$(cat /sys/devices/system/memory/$b/phys_index)"; }
    echo online_movable > /sys/devices/system/memory/$b/state 2>/tmp/werr || x "  online_movable $b FAIL $(cat /tmp/werr)"
  done
  x "memtotal after online_movable: $(awk '/^MemTotal/ {print $2}' /proc/meminfo) kB"
  if [ -n "$first" ]; then
    x "  $first state=$(cat /sys/devices/system/memory/$first/state) valid_zones=$(cat /sys/devices/system/memory/$first/valid_zones)"
    w offline /sys/devices/system/memory/$first/state || true
    x "  $first after offline: state=$(cat /sys/devices/system/memory/$first/state) valid_zones=$(cat /sys/devices/system/memory/$first/valid_zones)"
    w online /sys/devices/system/memory/$first/state || true
    x "  $first after 'online': state=$(cat /sys/devices/system/memory/$first/state) valid_zones=$(cat /sys/devices/system/memory/$first/valid_zones)"
    grep -E 'Movable|Normal' /proc/zoneinfo | head -0 >/dev/null
    x "  zones present: $(awk '/^Node/ {z=$4} /present/ {printf "%s=%s ", z, $2}' /proc/zoneinfo)"
  fi
fi
