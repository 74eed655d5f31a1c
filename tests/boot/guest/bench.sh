# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=bench: the guest half of qemu/bench.sh, sourced by the test init. pmemreclaim ran as PID 1
# before it (its kmsg lines give the cold numbers: program start to handoff, module loading included).
# Then, in the same boot and on the same carve:
#   1. undo: the onlined memory is given back (offlined, kmem unbound) and the carve made fresh again
#   2. std:  the standard tools do the same job (ndctl create-namespace + daxctl reconfigure-device)
#   3. undo again, then ours: `pmemreclaim apply` does the same job (warm, like the tools: modules loaded)
#   4. undo again, then std2: the tools again (pmemreclaim's run sits between two of theirs)
#   5. legacy only: undo again, the nvdimm/dax modules unloaded (not timed), then recold: the PID 1 job
#      again (`pmemreclaim boot`: module loading, the cheap look, the job), in guest memory the earlier
#      steps have warmed (its vmemmap no longer lands in pages the host has never touched)
# Each step is timed by two kmsg markers (wall) and the shell's `times` (kernel CPU of its commands).
# Options: test.bench=legacy|ramdax|hmem|auto, test.bench_cold_only=1 (only the cold numbers), test.bench_keep=BYTES (the job's kept range, default 0),
# test.bench_ns=namespaceX.Y (legacy: the namespace the tools make the devdax on; default namespace0.0).
# Prints @@bench lines: bench_cold ..., bench_step NAME ms=... kernel_ms=... rc=... kmem=..., bench_log ...,
# bench_timing NAME (pmemreclaim's timing: line), bench_modules_unloaded (recold; @@error when some stay)
# shellcheck shell=dash

bench_kind=$(opt bench || echo legacy)
bench_keep=$(opt bench_keep || echo 0)

# bytes of System RAM (kmem) in /proc/iomem
bench_kmem() {
  t=0
  while read -r r _ rest; do
    case "$rest" in "System RAM (kmem)"*) t=$(( t + 0x${r#*-} - 0x${r%-*} + 1 )) ;; esac
  done < /proc/iomem
  echo "$t"
}
# bench_stamp TEXT: kernel timestamp (seconds) of the last kmsg line ending in TEXT
bench_stamp() { dmesg | sed -n "s#^\[ *\([0-9.]*\)\] .*$1\$#\1#p" | tail -1; }
bench_ms() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "?"; else printf "%d", (b - a) * 1000 + 0.5 }'; }
# `times` prints "0m1.230s 0m4.560s" for the children's user and system CPU time on its 2nd line
bench_sys_ms() { sed -n 2p "$1" | awk '{ split($2, t, "m"); sub("s", "", t[2]); printf "%d", (t[1] * 60 + t[2]) * 1000 + 0.5 }'; }

# bench_step NAME SCRIPT: runs SCRIPT (a file) in a child shell, timed; its output goes to @@bench_log
# and each command line of SCRIPT is timed as well (@@bench_cmd NAME N ms=... COMMAND)
bench_step() {
  name=$1 script=$2
  awk -v n="$name" '{ print } /^[a-z]/ { printf "echo \"bench: %s cmd %d\" > /dev/kmsg\n", n, NR }' "$script" > "$script.timed"
  echo "bench: $name begin" > /dev/kmsg
  sh -c "sh $script.timed > /tmp/$name.out 2>&1; rc=\$?; times > /tmp/$name.times; exit \$rc"
  rc=$?
  echo "bench: $name end" > /dev/kmsg
  ms=$(bench_ms "$(bench_stamp "bench: $name begin")" "$(bench_stamp "bench: $name end")")
  prev=$(bench_stamp "bench: $name begin") i=0
  while IFS= read -r line; do
    i=$((i + 1))
    case "$line" in [a-z]*) ;; *) continue ;; esac
    t=$(bench_stamp "bench: $name cmd $i")
    [ -n "$t" ] && say "bench_cmd $name $i ms=$(bench_ms "$prev" "$t") $line" && prev=$t
  done < "$script"
  say "bench_step $name ms=$ms kernel_ms=$(bench_sys_ms /tmp/$name.times) rc=$rc kmem=$(bench_kmem)"
  sed "s/^/@@bench_log $name: /" /tmp/$name.out
  # pmemreclaim's own phase line (apply)
  sed -n "s/.*pmemreclaim: timing: /@@bench_timing $name /p" /tmp/$name.out
}

# The cold run, from the kernel log: exec of PID 1 to the handoff line.
t_run=$(bench_stamp "Run /sbin/pmemreclaim as init process")
t_hand=$(bench_stamp "pmemreclaim: handing off to /init")
say "bench_cold ms=$(bench_ms "$t_run" "$t_hand") kmem=$(bench_kmem) memtotal_kb=$(memtotal) memfree_kb=$(awk '/^MemFree:/ {print $2}' /proc/meminfo)"
dmesg | sed -n 's/.*pmemreclaim: timing: /@@bench_timing cold /p'
dmesg | sed -n 's/.*\(pmemreclaim: .*\)/@@bench_log cold: \1/p'
# test.bench_cold_only=1: only the PID 1 job's numbers above (qemu/bench.sh's strategies rows, whose
# second boot on the same RAM file measures the job reusing the first boot's layout)
if [ "$(opt bench_cold_only || echo 0)" = 1 ]; then say "bench_done"; return 0; fi

# Debian 7.x onlines hot-added memory at once (auto_online_blocks=online) and daxctl then refuses
# ("kernel policy will auto-online memory"): the standard recipe sets the policy to offline first.
bench_auto_online=$(cat /sys/devices/system/memory/auto_online_blocks 2>/dev/null)
echo offline > /sys/devices/system/memory/auto_online_blocks 2>/dev/null
ns=$(opt bench_ns || echo namespace0.0)
region=$(basename "$(readlink -f /sys/bus/nd/devices/$ns/.. 2>/dev/null)" 2>/dev/null)

# `pmemreclaim release` gives back only what pmemreclaim onlined (its marked devdax): the tools' devdax
# goes back to devdax mode through daxctl
cat > /tmp/undo-kmem.sh <<EOF
/sbin/pmemreclaim release
for d in \$(cd /sys/bus/dax/devices && ls -d dax*); do
  [ -e /sys/bus/dax/devices/\$d/driver ] && [ "\$(basename \$(readlink /sys/bus/dax/devices/\$d/driver))" = kmem ] || continue
  daxctl offline-memory \$d && daxctl reconfigure-device -m devdax -f \$d >/dev/null
done
EOF
case "$bench_kind" in
legacy)
  cat > /tmp/undo.sh <<EOF
. /tmp/undo-kmem.sh
ndctl destroy-namespace -f $ns
EOF
  # ndctl refuses a namespace whose size is not a multiple of the region's align (16 MiB): lowered by
  # hand, as a user of the tools would have to (not timed)
  cat > /tmp/std-prep.sh <<EOF
size=\$(cat /sys/bus/nd/devices/$region/size); align=\$(cat /sys/bus/nd/devices/$region/align)
if [ \$((size % align)) != 0 ]; then echo 2097152 > /sys/bus/nd/devices/$region/align; echo "region align \$align -> 2M"; fi
EOF
  cat > /tmp/std.sh <<EOF
set -e
ndctl create-namespace -f -e $ns -m devdax -M mem >/dev/null
daxctl reconfigure-device -m system-ram all >/dev/null
EOF
  ;;
ramdax)
  cat > /tmp/undo.sh <<EOF
. /tmp/undo-kmem.sh
ndctl destroy-namespace -f all
EOF
  region=$(cd /sys/bus/nd/devices && ls -d region* | head -1)
  cat > /tmp/std-prep.sh <<EOF
echo 2097152 > /sys/bus/nd/devices/$region/align
EOF
  # the devdax namespace after the kept one must start on the dax align (the PMD size: 2 MiB, 32 MiB with 16K
  # pages, 512 MiB with 64K): the tools' kept namespace rounded up to it, as a user of them would
  pmd=$(cat /sys/kernel/mm/transparent_hugepage/hpage_pmd_size 2>/dev/null || echo 2097152)
  std_keep=$(( (bench_keep + pmd - 1) / pmd * pmd ))
  [ "$std_keep" = "$bench_keep" ] || say "bench_log std-prep: the tools' kept namespace $bench_keep rounded up to $std_keep (dax align $pmd)"
  {
    echo "set -e"
    [ "$bench_keep" != 0 ] && echo "ndctl create-namespace -r $region -m raw -s $std_keep -n std-keep >/dev/null"
    echo "ndctl create-namespace -r $region -m devdax -M mem -f -n std-dax >/dev/null"
    echo "daxctl reconfigure-device -m system-ram all >/dev/null"
  } > /tmp/std.sh
  ;;
hmem)
  full=$(cat /sys/bus/dax/devices/dax0.0/../dax_region/size 2>/dev/null || echo 0)
  cat > /tmp/undo.sh <<EOF
for d in \$(cd /sys/bus/dax/devices && ls -d dax*); do
  [ -e /sys/bus/dax/devices/\$d/driver ] && [ "\$(basename \$(readlink /sys/bus/dax/devices/\$d/driver))" = kmem ] || continue
  daxctl offline-memory \$d && daxctl reconfigure-device -m devdax -f \$d >/dev/null
done
for d in \$(cd /sys/bus/dax/devices && ls -d dax*); do
  [ \$d = dax0.0 ] && continue
  daxctl disable-device \$d; daxctl destroy-device \$d
done
daxctl disable-device dax0.0; daxctl reconfigure-device -s $full dax0.0 >/dev/null
daxctl enable-device dax0.0
EOF
  : > /tmp/std-prep.sh
  {
    echo "set -e"
    if [ "$bench_keep" != 0 ]; then
      echo "daxctl disable-device dax0.0; daxctl reconfigure-device -s $bench_keep dax0.0 >/dev/null"
      echo "daxctl enable-device dax0.0"
      echo "daxctl create-device -r 0 >/dev/null"
      echo "daxctl reconfigure-device -m system-ram dax0.1 >/dev/null"
    else
      echo "daxctl reconfigure-device -m system-ram dax0.0 >/dev/null"
    fi
  } > /tmp/std.sh
  ;;
esac
echo "/sbin/pmemreclaim apply" > /tmp/ours.sh

bench_step undo /tmp/undo.sh
# The tools take their uuids from libuuid, which waits for the kernel's random pool; in an early-boot
# guest without a hardware RNG that wait is seconds (pmemreclaim does not wait for it). Wait for the pool
# here, untimed, so that the tools are measured on the job itself.
t=$(cut -d' ' -f1 /proc/uptime)
head -c 1 /dev/random > /dev/null
say "bench_random_pool_wait ms=$(bench_ms "$t" "$(cut -d' ' -f1 /proc/uptime)")"
sh /tmp/std-prep.sh 2>&1 | sed 's/^/@@bench_log std-prep: /'
bench_step std /tmp/std.sh
bench_step undo2 /tmp/undo.sh
bench_step ours /tmp/ours.sh
# The tools once more: each hot-add in a boot can cost differently (fresh guest pages for the memory
# map, fresh host pages of the sparse RAM file), so pmemreclaim's run sits between two runs of the tools
bench_step undo3 /tmp/undo.sh
bench_step std2 /tmp/std.sh

# recold (legacy): the cold PID 1 job once more in this boot, on guest memory the steps above have
# warmed. Undo, unload every nvdimm/dax module (nd_pmem must not be loaded: the boot job's cheap look runs
# only when it loads nd_pmem itself), put back the boot's auto_online_blocks, then `pmemreclaim boot`
# (reads /proc/cmdline, logs to /dev/kmsg, always exits 0). Its timing: line is the last one in the
# kernel log after the step's begin marker.
if [ "$bench_kind" = legacy ]; then
  bench_step undo4 /tmp/undo.sh
  bench_loaded() { awk '$1 ~ /^(libnvdimm|nd_|dax_)/ || $1 == "device_dax" || $1 == "kmem" {printf "%s,", $1}' /proc/modules; }
  # bench_unload MODULE: modprobe -r when loaded (busybox also tries the modules it depends on: its status
  # says nothing about MODULE itself, /proc/modules does)
  bench_unload() {
    grep -q "^$1 " /proc/modules || return 0
    modprobe -r "$1" 2>&1
    grep -q "^$1 " /proc/modules && echo "$1 still loaded"
  }
  {
    echo "loaded: $(bench_loaded)"
    for m in kmem device_dax dax_pmem dax_pmem_compat dax_pmem_core nd_pmem nd_btt; do bench_unload $m; done
    # a region bound to nd_region holds a reference on its bus provider (nd_e820): unbound first
    for d in $(cd /sys/bus/nd/devices && ls -d region* 2>/dev/null); do
      [ -e /sys/bus/nd/devices/$d/driver ] && echo "$d" > /sys/bus/nd/devices/$d/driver/unbind && echo "unbound $d"
    done
    bench_unload nd_e820
    # whatever else still holds libnvdimm, then libnvdimm itself
    for h in /sys/module/libnvdimm/holders/*; do [ -e "$h" ] && bench_unload "${h##*/}"; done
    bench_unload libnvdimm
  } 2>&1 | sed 's/^/@@bench_log recold-prep: /'
  left=$(bench_loaded)
  if [ -n "$left" ]; then say "error recold: modules still loaded: $left"; else say "bench_modules_unloaded"; fi
  [ -n "$bench_auto_online" ] && echo "$bench_auto_online" > /sys/devices/system/memory/auto_online_blocks 2>/dev/null
  echo "/sbin/pmemreclaim boot" > /tmp/recold.sh
  bench_step recold /tmp/recold.sh
  dmesg | sed -n '/bench: recold begin$/,$p' > /tmp/recold.kmsg
  sed -n 's/.*pmemreclaim: timing: /@@bench_timing recold /p' /tmp/recold.kmsg | tail -1
  sed -n 's/.*\(pmemreclaim: .*\)/@@bench_log recold: \1/p' /tmp/recold.kmsg
  echo offline > /sys/devices/system/memory/auto_online_blocks 2>/dev/null
fi
say "bench_done"
