#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hmem (soft-reserved, x86), Linux 7.2 and 6.1: kept bytes never reach kmem on an hmem path that does
# not finish the split, and a second split is not made over a finished one.
# A 512 MiB soft-reserved carve at 4 GiB (memmap=512M%4G-1+0xefffffff nokaslr: 4 blocks, the kept
# bytes cheap to hash) in a 4 GiB guest: RAM above 4 GiB is the carve and 512 MiB after it. The carve
# must lie below the end of RAM: a carve at the very top (5 GiB guest, 2 GiB carve) has no NUMA node and
# kmem rejects it ("rejecting DAX region with invalid node: -1"), which would hide what is tested here.
# After pmemreclaim hands off, the test init loads kmem as udev would in the real root (test.modprobe
# runs after pmemreclaim), then guest/hmem-state.sh reports the dax devices and (7.2) fills 1 GiB of
# memory (tmpfs: movable, the highest zones first, where onlined carve pages would be), so that any kept
# page kmem onlined gets written before the RAM file is checked after poweroff:
#   a. keep=512M: the keep covers the whole carve (nothing to split);
#   b. keep=500M: too little is left for a memory block;
#   c. (7.2) keep=256M, the split cannot finish: guest/hmem-nobind.sh makes binding the kept device to
#      device_dax fail (read-only new_id/bind), after it was sized;
#   d. keep=256M, a finished split, then `pmemreclaim apply --strategy=hmem --keep=256M` again in the
#      guest: nothing may change (same dax devices, ranges, drivers; same kmem bytes).
# Asserted from the guest kernel: no System RAM (kmem) inside the kept range, dax0.0 at the carve start
# bound to device_dax (a, b, d), and the kept bytes in the RAM file unchanged.
set -euo pipefail
export TB_MEM=${TB_MEM:-4G}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
base=$((4 * GiB))
carve='memmap=512M%4G-1+0xefffffff nokaslr'
carve_bytes=$((512 * MiB))

# dev LOG TAG NAME: "RESOURCE SIZE DRIVER" of dax device NAME in guest/hmem-state.sh's TAG report
dev() { < "$1" sed -n "s/^@@hmem_dev $2 $3 //p" | head -1; }
devs() { < "$1" sed -n "s/^@@hmem_dev $2 //p"; }
show() {
  < "$1" grep -E '^@@(hmem_|init_start|auto_online|error)' | sed 's/^/    /' || true
  tb_section "$1" dmesg | grep -E 'pmemreclaim:|kmem|dax' | sed 's/^/    /' || true
}

# keep_case NAME KEEP_BYTES EXTRA_APPEND: a boot whose kept range [4G, 4G+KEEP) must stay out of kmem
keep_case() {
  local name=$1 keep=$2 extra=$3 log=$TB_WORK/$flavour-$1.log want
  tb_ramfile_create "$TB_RAMDIR/ram"
  want=$(tb_write_pattern "$TB_RAMDIR/ram" $base 31 "$keep")
  tb_boot "$log" "$carve pmemreclaim=hmem pmemreclaim.keep=$keep test.modprobe=kmem test.run=hmem-state $fill $extra" \
    || { tb_fail "$flavour $name: did not reach the end of the report"; return 0; }
  show "$log"
  tb_assert_eq "$flavour $name: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
  tb_assert_eq "$flavour $name: no System RAM (kmem) in the kept range" 0 "$(tr_kmem_in "$log" $base $((base + keep)))"
  tb_assert_true "$flavour $name: kept range not bound to kmem (no dax device with driver kmem)" \
    eval "! devs '$log' before | grep -q ' kmem\$'"
  if [ "$name" != split-fails ]; then
    local d; d=$(dev "$log" before dax0.0)
    tb_assert_eq "$flavour $name: dax0.0 starts at the carve" 0x100000000 "$(echo "$d" | awk '{print $1}')"
    tb_assert_true "$flavour $name: dax0.0 holds the kept range (size $(echo "$d" | awk '{print $2}') >= $keep)" \
      [ "$(echo "$d" | awk '{print $2}')" -ge "$keep" ]
    tb_assert_eq "$flavour $name: dax0.0 bound to device_dax" device_dax "$(echo "$d" | awk '{print $3}')"
    tb_assert_eq "$flavour $name: kmem bytes (nothing left for a block)" 0 "$(tb_kmem_bytes "$log")"
  fi
  tb_assert_eq "$flavour $name: kept bytes in the RAM file after poweroff" "$want" \
    "$(tb_read_sha256 "$TB_RAMDIR/ram" $base "$keep")"
}

for flavour in sid-amd64 bookworm-amd64; do
  TB_KERNEL_FLAVOUR=$flavour
  tb_setup
  tb_build_initrd "$TB_WORK/$flavour.cpio.gz"
  # the fill costs about 15 s a boot; 6.1's kmem never takes an hmem device by itself (there a kept
  # range in kmem would be pmemreclaim's own doing, which /proc/iomem shows)
  fill=test.hmem_fill=1024; [ "$flavour" = bookworm-amd64 ] && fill=
  keep_case keep-all $((512 * MiB)) ""
  keep_case keep-500M $((500 * MiB)) ""
  if [ "$flavour" = sid-amd64 ]; then   # 6.1's kmem never takes an hmem device by itself
    keep_case split-fails $((256 * MiB)) "rdinit=/test/hmem-nobind.sh"
    tb_assert_true "$flavour split-fails: the read-only mounts were made" \
      grep -q '^@@hmem_nobind ' "$TB_WORK/$flavour-split-fails.log"
    tb_assert_true "$flavour split-fails: pmemreclaim logged an error about the split" \
      eval "tb_section '$TB_WORK/$flavour-split-fails.log' dmesg | grep 'pmemreclaim:' | grep -q 'dax0.0'"
  fi

  # d. a finished split, then apply again in the guest
  log=$TB_WORK/$flavour-again.log
  keep=$((256 * MiB))
  tb_ramfile_create "$TB_RAMDIR/ram"
  want=$(tb_write_pattern "$TB_RAMDIR/ram" $base 32 $keep)
  tb_boot "$log" "$carve pmemreclaim=hmem pmemreclaim.keep=256M test.run=hmem-state test.hmem_apply=--strategy=hmem,--keep=256M test.hmem_release=1" \
    || { tb_fail "$flavour again: did not reach the end of the report"; continue; }
  show "$log"
  tb_assert_eq "$flavour again: kmem bytes after the boot (0 lost)" $((carve_bytes - 256 * MiB)) \
    "$(< "$log" sed -n 's/^@@hmem_kmem_bytes before //p')"
  tb_assert_eq "$flavour again: dax0.0 after the boot" "0x100000000 $keep device_dax" "$(dev "$log" before dax0.0)"
  tb_assert_eq "$flavour again: apply exit status" 0 "$(tb_report "$log" hmem_apply_rc)"
  tb_assert_true "$flavour again: apply's summary names the carve [0x100000000-0x11fffffff]" \
    grep -qF '@@hmem_apply_log pmemreclaim: carve [0x100000000-0x11fffffff]' "$log"
  tb_assert_eq "$flavour again: the same dax devices, ranges and drivers after apply" \
    "$(devs "$log" before | tr '\n' ';')" "$(devs "$log" after | tr '\n' ';')"
  tb_assert_eq "$flavour again: the same kmem bytes after apply" \
    "$(tb_report "$log" hmem_kmem_bytes 2)" "$(< "$log" sed -n 's/^@@hmem_kmem_bytes after //p')"
  tb_assert_eq "$flavour again: dax0.0 still enabled as device_dax after apply" "0x100000000 $keep device_dax" \
    "$(dev "$log" after dax0.0)"
  tb_assert_eq "$flavour again: no System RAM (kmem) in the kept range" 0 "$(tr_kmem_in "$log" $base $((base + keep)))"
  # release (before kexec) handles the hmem carve: its kmem device offlined and back to device_dax, the kept
  # device untouched, and the kexec_load hazard named for the soft-reserved carve
  tb_assert_eq "$flavour release: exit status" 0 "$(tb_report "$log" hmem_release_rc)"
  tb_assert_eq "$flavour release: kmem bytes afterwards" 0 "$(< "$log" sed -n 's/^@@hmem_kmem_bytes released //p')"
  tb_assert_eq "$flavour release: dax0.0 (kept) still device_dax" "0x100000000 $keep device_dax" "$(dev "$log" released dax0.0)"
  tb_assert_eq "$flavour release: dax0.1 back to device_dax" "0x110000000 $((carve_bytes - keep)) device_dax" \
    "$(dev "$log" released dax0.1)"
  tb_assert_true "$flavour release: warns of kexec -l for the soft-reserved carve" \
    grep -qE '^@@hmem_release_log .*carve \[0x100000000-0x11fffffff\] is System RAM .*kexec -s' \
    "$log"
  tb_assert_eq "$flavour again: kept bytes in the RAM file after poweroff" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $base $keep)"
done
tb_finish
