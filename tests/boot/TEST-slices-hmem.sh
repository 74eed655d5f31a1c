#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Named kept slices on hmem (part 17): memmap=3G%4G-1+0xefffffff nokaslr pmemreclaim=hmem
# pmemreclaim.keep=vm*2:1G@1G,log:126M in an 8 GiB guest. The slices land at 4G (vm0, 1 GiB aligned),
# 5G (vm1) and 6G (log, 126 MiB); the rest of the carve is one device for kmem: 7 blocks of 128 MiB
# onlined, the 2 MiB before the first block lost. Before the first boot the host writes a pattern into
# every slice of the guest RAM file.
#   sid (7.2): one QEMU run of two boots (the second through `kexec -s`), then a second QEMU run on the
#              same RAM file (the next boot after a warm reboot);
#   bookworm (6.1): one boot.
# Asserted per boot, from the guest kernel: each /dev/pmemreclaim/NAME is a dax device whose resource,
# size, align and driver (device_dax) are the plan's; the record names the same device and range per
# slice; no System RAM (kmem) in the slices; the kmem bytes; after each QEMU run every slice's bytes in the
# RAM file are the pattern.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TB_SMP=${TB_SMP:-1}   # a kexec'd 7.2 kernel with two TCG vCPUs can hang (TEST-hmem.sh)
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
spec='vm*2:1G@1G,log:126M'
carve="memmap=3G%4G-1+0xefffffff nokaslr pmemreclaim=hmem pmemreclaim.keep=$spec test.run=slices"
# NAME START SIZE ALIGN of each slice, as planned
slices=("vm0 $((4 * GiB)) $GiB $GiB" "vm1 $((5 * GiB)) $GiB $GiB" "log $((6 * GiB)) $((126 * MiB)) $((2 * MiB))")

check_boot() {  # check_boot LOG WHAT
  local b=$1 what=$2 s name start size align dev
  tb_assert_eq "$what: the record's ok" true "$(tb_record "$b" '.ok')"
  tb_assert_eq "$what: kmem bytes (7 blocks after the log slice)" $((7 * 128 * MiB)) "$(tb_kmem_bytes "$b")"
  tb_assert_eq "$what: the record's onlined and lost bytes" "$((7 * 128 * MiB)) $((2 * MiB))" \
    "$(tb_record "$b" '"\(.carves[0].onlined) \(.carves[0].lost)"')"
  tb_assert_eq "$what: slices in the record" "vm0 vm1 log" "$(tb_record "$b" '[.carves[0].slices[].name] | join(" ")')"
  for s in "${slices[@]}"; do
    read -r name start size align <<<"$s"
    dev=$(tb_record "$b" ".carves[0].slices[] | select(.name == \"$name\") | .device")
    tb_assert_eq "$what $name: the record's range and align" "$start $size $align" \
      "$(tb_record "$b" ".carves[0].slices[] | select(.name == \"$name\") | \"\(.range.start) \(.range.size) \(.align)\"")"
    # /dev/pmemreclaim/NAME -> the record's device, as the kernel reports it
    tb_assert_eq "$what $name: /dev/pmemreclaim/$name (device, resource, size, align, driver)" \
      "$dev $(printf '0x%x' "$start") $size $align device_dax" "$(tb_report "$b" "slice $name")"
    tb_assert_eq "$what $name: no System RAM (kmem) in the slice" 0 "$(tr_kmem_in "$b" "$start" $((start + size)))"
  done
  tb_assert_no_oops "$what" "$b"
}

check_ram() {  # check_ram WHAT: every slice's pattern in the RAM file
  local s name start size align i=0
  for s in "${slices[@]}"; do
    read -r name start size align <<<"$s"
    tb_assert_eq "$1 $name: its bytes in the RAM file" "${want[$i]}" "$(tb_read_sha256 "$TB_RAMDIR/ram" "$start" "$size")"
    i=$((i + 1))
  done
}

for flavour in sid-amd64 bookworm-amd64; do
  TB_KERNEL_FLAVOUR=$flavour
  tb_setup
  tb_build_initrd "$TB_WORK/$flavour.cpio.gz" --extra "$TB_KDIR/vmlinuz:/boot/vmlinuz"
  tb_ramfile_create "$TB_RAMDIR/ram"
  want=(); i=0
  for s in "${slices[@]}"; do
    read -r name start size align <<<"$s"
    want+=("$(tb_write_pattern "$TB_RAMDIR/ram" "$start" 40$i "$size")"); i=$((i + 1))
  done
  cycles=0; [ "$flavour" = sid-amd64 ] && cycles=1
  tb_boot "$TB_WORK/$flavour.log" "$carve test.kexec=$cycles test.fill=1" || true
  boots=$(tr_split_cycles "$TB_WORK/$flavour.log" "$TB_WORK/$flavour")
  tb_assert_eq "$flavour: boots" $((cycles + 1)) "$boots"
  for i in $(seq 0 $((boots - 1))); do check_boot "$TB_WORK/$flavour/boot$i.log" "$flavour boot $i"; done
  check_ram "$flavour, after the run"
  if [ "$flavour" = sid-amd64 ]; then
    # the next boot on the same RAM: the same devices over the same bytes
    tb_boot "$TB_WORK/$flavour-again.log" "$carve" || true
    check_boot "$TB_WORK/$flavour-again.log" "$flavour next boot"
    tb_assert_eq "$flavour next boot: the same slice devices as the first boot" \
      "$(tb_record "$TB_WORK/$flavour/boot0.log" '[.carves[0].slices[] | "\(.name)=\(.device)"] | join(" ")')" \
      "$(tb_record "$TB_WORK/$flavour-again.log" '[.carves[0].slices[] | "\(.name)=\(.device)"] | join(" ")')"
    check_ram "$flavour, after the next boot"
  fi
done
tb_finish
