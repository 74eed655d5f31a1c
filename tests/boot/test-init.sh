#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Test /init for the pmemreclaim QEMU tests (busybox sh). Prints a machine-readable report
# (lines starting with @@) to the console, then powers off.
#
# Kernel command line options:
#   test.ndctl=devdax        standard path: ndctl create-namespace (devdax) + daxctl reconfigure-device
#   test.ns=namespace0.0     namespace for ndctl -e (default namespace0.0)
#   test.map=mem|dev         ndctl -M (default mem)
#   test.region_align=2M     write this to /sys/bus/nd/devices/<region of test.ns>/align first
#   test.modprobe=a,b        modprobe these modules first
#   test.auto_online=POLICY  write POLICY (offline|online|online_movable|online_kernel) to
#                            /sys/devices/system/memory/auto_online_blocks first (Debian 7.x defaults to
#                            online, and daxctl then aborts: "kernel policy will auto-online memory")
#   test.run=NAME            run /test/NAME.sh (experiments) before the report
#   test.kept=/dev/pmem0[:BYTES][,...]  report sha256 of the first BYTES (default all) of each device
#   test.shell=1             drop to a shell instead of powering off (interactive debugging)
#   test.kexec=N, test.kdump=1, test.fill=1, test.fwpmem=STRATEGY: see the end of this file
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
umask 022

[ -e /proc/self ] || mount -t proc proc /proc
[ -e /sys/kernel ] || mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev 2>/dev/null || mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1

say() { echo "@@$*"; }
opt() {  # opt NAME -> value of test.NAME= from the command line
  for w in $(cat /proc/cmdline); do
    case "$w" in "test.$1="*) echo "${w#test.$1=}"; return 0 ;; esac
  done
  return 1
}
# ndctl_end T0: closes an @@ndctl section begun at uptime T0 (this path and /test/ramdax-ndctl.sh):
# its duration and the dax devices' ranges
ndctl_end() {
  t1=$(cut -d' ' -f1 /proc/uptime)
  echo "@@ndctl-end"
  say "ndctl_seconds $(awk -v a="$1" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')"
  for r in /sys/bus/dax/devices/dax*/resource; do
    [ -e "$r" ] && say "dax_resource $(basename "$(dirname "$r")") $(cat "$r") size=$(cat "$(dirname "$r")/size")"
  done
}
memtotal() { awk '/^MemTotal:/ {print $2}' /proc/meminfo; }
blocks() {  # online/offline memory block counts
  on=0; off=0
  for s in /sys/devices/system/memory/memory*/state; do
    case "$(cat "$s")" in online) on=$((on+1)) ;; offline) off=$((off+1)) ;; esac
  done
  echo "$on $off"
}

say "init_start uptime=$(cut -d' ' -f1 /proc/uptime) pid=$$"
say "kver $(uname -r)"
say "cmdline $(cat /proc/cmdline)"
say "modules_at_init $(awk '{printf "%s,", $1}' /proc/modules)"
say "devs_at_init $(cd /dev && ls -d pmem* dax* 2>/dev/null | tr '\n' ',')"
say "modprobe_path $(cat /proc/sys/kernel/modprobe 2>/dev/null) exists=$([ -e "$(cat /proc/sys/kernel/modprobe)" ] && echo yes || echo no)"
say "block_size 0x$(cat /sys/devices/system/memory/block_size_bytes)"
say "auto_online_blocks $(cat /sys/devices/system/memory/auto_online_blocks 2>/dev/null)"
say "memtotal_kb_at_init $(memtotal)"
# a crash capture kernel (kdump) has /proc/vmcore: the crashed kernel's memory
say "vmcore $([ -e /proc/vmcore ] && echo yes || echo no)"
# the handoff record pmemreclaim left under /run (one line), and whether /run is its own mount
say "state_json $(tr -d '\n' < /run/pmemreclaim/state.json 2>/dev/null)"
say "run_mount $(awk '$2 == "/run" {print $3}' /proc/mounts)"
# each namespace as the kernel shows it at /init: NAME:mode=MODE:force_raw=0|1, (force_raw 1 would mean
# pmemreclaim's cheap look left it so)
say "namespaces $(for n in /sys/bus/nd/devices/namespace*; do [ -e "$n/force_raw" ] && printf '%s:mode=%s:force_raw=%s,' "${n##*/}" "$(cat "$n/mode")" "$(cat "$n/force_raw")"; done)"
say "keep_links $(cd /dev/pmemreclaim 2>/dev/null && for l in *; do [ -L "$l" ] && printf '%s->%s,' "$l" "$(readlink "$l")"; done)"
# keep kernel messages off the console from here on (they would interleave with the report)
echo "${CONSOLE_LOGLEVEL:-1}" > /proc/sys/kernel/printk

if ao=$(opt auto_online); then
  echo "$ao" > /sys/devices/system/memory/auto_online_blocks || say "error auto_online $ao"
  say "auto_online_blocks_set $(cat /sys/devices/system/memory/auto_online_blocks)"
fi

if m=$(opt modprobe); then
  for x in $(echo "$m" | tr ',' ' '); do modprobe "$x" || say "error modprobe $x"; done
fi

if mode=$(opt ndctl); then
  ns=$(opt ns || echo namespace0.0)
  map=$(opt map || echo mem)
  for x in nd_e820 nd_pmem dax_pmem device_dax kmem; do modprobe "$x" 2>/dev/null || true; done
  # wait for the namespace to show up
  i=0; while [ ! -e /sys/bus/nd/devices/$ns ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
  if ra=$(opt region_align); then
    region=$(basename "$(readlink -f /sys/bus/nd/devices/$ns/..)")
    say "region_align_before $region $(cat /sys/bus/nd/devices/$region/align)"
    case "$ra" in *[Mm]) ra=$(( ${ra%?} * 1048576 )) ;; *[Kk]) ra=$(( ${ra%?} * 1024 )) ;; esac
    echo "$ra" > /sys/bus/nd/devices/$region/align || say "error region_align"
    say "region_align_after $region $(cat /sys/bus/nd/devices/$region/align)"
  fi
  echo "@@ndctl-begin"
  t0=$(cut -d' ' -f1 /proc/uptime)
  ndctl create-namespace -f -e "$ns" -m "$mode" -M "$map" ${NDCTL_EXTRA:-} 2>&1
  say "ndctl_rc $?"
  daxctl reconfigure-device -m system-ram all 2>&1
  say "daxctl_rc $?"
  ndctl_end "$t0"
fi

if r=$(opt run); then
  echo "@@run-begin $r"
  # shellcheck source=/dev/null  # the scenario named on the command line (tests/boot/guest/)
  if [ -f "/test/$r.sh" ]; then . "/test/$r.sh"; else say "error no /test/$r.sh"; fi
  echo "@@run-end $r"
fi

# ---- report ----
say "memtotal_kb $(memtotal)"
# shellcheck disable=SC2046  # two numbers, split on purpose
set -- $(blocks); say "blocks_online $1"; say "blocks_offline $2"
say "modules $(awk '{printf "%s,", $1}' /proc/modules)"
if kept=$(opt kept); then
  for k in $(echo "$kept" | tr ',' ' '); do
    dev=${k%%:*}; len=
    case "$k" in *:*) len=${k#*:} ;; esac
    if [ ! -e "$dev" ]; then say "sha256 $dev missing 0"; continue; fi
    size=$(blockdev --getsize64 "$dev" 2>/dev/null || echo "?")
    say "kept_size $dev $size"
    if [ -n "$len" ]; then
      h=$(head -c "$len" "$dev" | sha256sum | cut -d' ' -f1); n=$len
    else
      h=$(sha256sum < "$dev" | cut -d' ' -f1); n=$size
    fi
    say "sha256 $dev $h $n"
  done
fi
# nd dax devices that claim a namespace (their uuid tells a reused info block from a new one)
for d in /sys/bus/nd/devices/dax*; do
  [ -e "$d/namespace" ] && [ -n "$(cat "$d/namespace" 2>/dev/null)" ] || continue
  say "nd_dax_uuid $(cat "$d/uuid") $(basename "$d") $(cat "$d/namespace")"
done
# nd regions (label-less carves: their size is the carve) and the dax seeds' alignments
for r in /sys/bus/nd/devices/region*; do
  [ -e "$r/size" ] || continue
  say "nd_region $(basename "$r") start=$(cat "$r/resource" 2>/dev/null) size=$(cat "$r/size") align=$(cat "$r/align" 2>/dev/null) numa_node=$(cat "$r/numa_node" 2>/dev/null) target_node=$(cat "$r/target_node" 2>/dev/null)"
done
for d in /sys/bus/nd/devices/dax*; do
  [ -e "$d/align" ] || continue
  say "nd_dax_align $(basename "$d") align=$(cat "$d/align") supported=$(cat "$d/supported_alignments" 2>/dev/null | tr ' ' ',')"
done
# dax bus devices with a size: their driver and memmap_on_memory (Linux >= 6.8: the memory map of the blocks
# kmem added carved from them)
for d in /sys/bus/dax/devices/dax*; do
  [ -e "$d/size" ] && [ "$(cat "$d/size")" != 0 ] || continue
  drv=; [ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
  say "dax_device $(basename "$d") size=$(cat "$d/size") driver=${drv:-none} memmap_on_memory=$(cat "$d/memmap_on_memory" 2>/dev/null || echo none)"
done
# nd namespaces with a size: name, label name, uuid, size
for d in /sys/bus/nd/devices/namespace*; do
  [ -e "$d/size" ] && [ "$(cat "$d/size")" != 0 ] || continue
  say "nd_namespace $(basename "$d") name=$(cat "$d/alt_name" 2>/dev/null) uuid=$(cat "$d/uuid" 2>/dev/null) size=$(cat "$d/size")"
done
echo "@@iomem-begin"; cat /proc/iomem; echo "@@iomem-end"
echo "@@dmesg-begin"
dmesg | grep -iE 'pmemreclaim|kmem|nd_pmem|nd_e820|dax|pmem|memmap|hotplug|nvdimm|namespace|suppressed|handing off' | tail -n 80
echo "@@dmesg-end"
# every pmemreclaim line and every kernel error line, unfiltered (the dmesg section keeps the last 80)
echo "@@kmsg-begin"
dmesg | grep -E 'pmemreclaim|Oops|BUG|Internal error|Call Trace|WARNING:' || true
echo "@@kmsg-end"
# nd buses: who provides each (nfit: ACPI.NFIT, virtio-pmem, e820, ramdax) and where it sits in sysfs
for b in /sys/bus/nd/devices/ndbus*; do
  [ -e "$b/provider" ] && say "nd_bus $(basename "$b") provider=$(cat "$b/provider") path=$(readlink -f "$b")"
done
say "done uptime=$(cut -d' ' -f1 /proc/uptime)"
if [ "$(opt shell)" = 1 ]; then exec sh; fi

# fill_free: fill the free memory (tmpfs), so the onlined blocks are in use (test.fill=1)
fill_free() {
  mkdir -p /fill && mount -t tmpfs -o size=100% fill /fill
  # tmpfs pages are movable: they fill ZONE_MOVABLE (the onlined blocks) first; 3 GiB is plenty
  mb=$(awk '/^MemAvailable:/ {m = int($2 / 1024) - 384; print (m > 3072 ? 3072 : m)}' /proc/meminfo)
  dd if=/dev/zero of=/fill/zero bs=1M count="$mb" 2>/dev/null
  say "filled_mb $(du -m /fill/zero | cut -f1) memfree_kb $(awk '/^MemFree:/ {print $2}' /proc/meminfo)"
}
# next_image: this image, rebuilt from the running rootfs, in /tmp/next.cpio (the next kernel's initrd)
next_image() { (cd / && find . -xdev ! -path './tmp/*' ! -path './fill/*' | cpio -o -H newc 2>/dev/null) > /tmp/next.cpio; }

# test.kdump=1 (and no /proc/vmcore: not in the capture kernel): load this kernel and image as the crash
# capture kernel (`kexec -s -p`, the same command line without crashkernel=), fill the memory, then crash
# (sysrq c). The capture kernel boots with the carve's memmap= and pmemreclaim= again, reports, powers off.
if [ "$(opt kdump)" = 1 ] && [ ! -e /proc/vmcore ]; then
  next_image
  args="$(sed 's/ *crashkernel=[^ ]*//' /proc/cmdline)"
  if kexec -s -p /boot/vmlinuz --initrd=/tmp/next.cpio --append="$args"; then
    say "kdump_loaded $(cat /sys/kernel/kexec_crash_loaded)"
    [ "$(opt fill)" = 1 ] && fill_free
    echo 1 > /proc/sys/kernel/sysrq
    echo c > /proc/sysrq-trigger
  fi
  say "error kdump: kexec -p failed"
fi

# test.fwpmem=STRATEGY (and not test.cycle=1): firmware persistent memory without firmware that has it.
# The RAM at 4 GiB (kept from this kernel by memmap=SIZE$4G) is listed as "Persistent Memory (legacy)"
# in /sys/firmware/memmap (a file bind-mounted over the entry's type), and `kexec -l` (kexec_load:
# kexec-tools builds the next kernel's e820 from /sys/firmware/memmap) starts this kernel again without
# memmap=, with pmemreclaim=STRATEGY and test.cycle=1: its firmware hands it an e820 type 12 range, as
# an NVDIMM-N platform's does, that no memmap= carved from RAM.
if fw=$(opt fwpmem) && [ "$(opt cycle)" != 1 ]; then
  entry=
  for e in /sys/firmware/memmap/*; do [ "$(cat "$e/start")" = 0x100000000 ] && entry=$e; done
  if [ -n "$entry" ]; then
    echo "Persistent Memory (legacy)" > /tmp/fwtype
    mount -o bind /tmp/fwtype "$entry/type"
    say "fwpmem_entry ${entry##*/} $(cat "$entry/start")-$(cat "$entry/end") $(cat "$entry/type")"
    next_image
    args="$(sed -e 's/ *memmap=[^ ]*//g' -e 's/ *pmemreclaim=[^ ]*//' -e 's/ *rdinit=[^ ]*//' /proc/cmdline)"
    args="rdinit=/sbin/pmemreclaim pmemreclaim=$fw $args test.cycle=1"
    kexec -l /boot/vmlinuz --initrd=/tmp/next.cpio --append="$args" && kexec -e
  fi
  say "error fwpmem: no firmware map entry at 4 GiB, or kexec -l failed"
fi

# test.kexec=N: N more boots through `kexec -s` into the same kernel (/boot/vmlinuz in this image)
# and command line (+ test.cycle=K); this image, rebuilt from the running rootfs, is the initrd.
# test.fill=1 first fills the free memory (tmpfs), so the onlined blocks are used before kexec.
if n=$(opt kexec); then
  cycle=$(opt cycle || echo 0)
  if [ "$cycle" -lt "$n" ]; then
    if [ "$(opt fill)" = 1 ]; then fill_free; rm -f /fill/zero; umount /fill; fi
    next_image
    args="$(sed 's/ test\.cycle=[0-9]*//' /proc/cmdline) test.cycle=$((cycle + 1))"
    say "kexec cycle=$((cycle + 1)) initrd_bytes=$(wc -c < /tmp/next.cpio)"
    kexec -s -l /boot/vmlinuz --initrd=/tmp/next.cpio --append="$args" && kexec -e
    say "error kexec failed"
  fi
fi
sync
poweroff -f
sleep 5
