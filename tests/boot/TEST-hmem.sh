#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hmem (soft-reserved, x86): memmap=2G%4G-1+0xefffffff nokaslr pmemreclaim=hmem pmemreclaim.keep=256M.
# No info block and no labels: the kept device is split off at the region start (bound to device_dax
# before kmem is even loaded), the rest is onlined: 14 blocks, 0 bytes lost. On Linux 7.2 (where kmem
# would take hmem devices by default) through one `kexec -s` cycle, which brings the region back whole
# and is split again; on 6.1 one boot. The kept bytes are checked in the RAM file after poweroff (a
# devdax device can't be read(2) in the guest), and no kmem memory may lie in the kept range.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# One guest CPU: a kexec'd 7.2 kernel with two TCG vCPUs was seen to hang for good at its clocksource
# switch ("Switched to clocksource tsc-early", a stop_machine across CPUs), before any user space ran.
TB_SMP=${TB_SMP:-1}
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
carve='memmap=2G%4G-1+0xefffffff nokaslr pmemreclaim=hmem pmemreclaim.keep=256M'
kept=$((256 * MiB))
kept_in_kmem() {  # bytes of System RAM (kmem) below 4G + 256M in a report
  tb_section "$1" iomem | sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM (kmem)$/\1 \2/p' |
    while read -r s e; do [ $((16#$s)) -lt $((4 * GiB + kept)) ] && echo "$s-$e"; done | wc -l
}
for flavour in sid-amd64 bookworm-amd64; do
  TB_KERNEL_FLAVOUR=$flavour
  tb_setup
  tb_build_initrd "$TB_WORK/$flavour.cpio.gz" --extra "$TB_KDIR/vmlinuz:/boot/vmlinuz"
  tb_ramfile_create "$TB_RAMDIR/ram"
  want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 21 $kept)
  cycles=0; [ "$flavour" = sid-amd64 ] && cycles=1
  tb_boot "$TB_WORK/$flavour.log" "$carve test.kexec=$cycles test.fill=1" || true
  boots=$(tr_split_cycles "$TB_WORK/$flavour.log" "$TB_WORK/$flavour")
  tb_assert_eq "$flavour: boots" $((cycles + 1)) "$boots"
  for i in $(seq 0 $((boots - 1))); do
    b=$TB_WORK/$flavour/boot$i.log
    tb_assert_eq "$flavour boot $i: kmem bytes (0 lost: 2 GiB - 256 MiB kept)" $((1792 * MiB)) "$(tb_kmem_bytes "$b")"
    tb_assert_eq "$flavour boot $i: no kmem memory in the kept range" 0 "$(kept_in_kmem "$b")"
    tb_assert_eq "$flavour boot $i: the record's kept, onlined and lost bytes" "$((256 * MiB)) $((1792 * MiB)) 0" \
      "$(tb_record "$b" '"\(.carves[0].kept.size) \(.carves[0].onlined) \(.carves[0].lost)"')"
  done
  tb_assert_eq "$flavour: kept bytes in the RAM file after poweroff" "$want" \
    "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $kept)"
done
tb_finish
