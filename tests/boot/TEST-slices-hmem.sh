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
# Then (7.2) the same slices made by hand with daxctl (guest/slices-by-hand.sh) on the same RAM: the same
# devices and bytes onlined, the time side by side (a COMPARE line).
# Asserted per boot, from the guest kernel: each /dev/pmemreclaim/NAME is a dax device whose resource,
# size, align and driver (device_dax) are the plan's; the record names the same device and range per
# slice; no System RAM (kmem) in the slices; the kmem bytes; after each QEMU run every slice's bytes in the
# RAM file are the pattern.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TB_SMP=${TB_SMP:-1}   # a kexec'd 7.2 kernel with two TCG vCPUs can hang (TEST-hmem.sh)
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/slices.sh"
tr_require_binary
spec='vm*2:1G@1G,log:126M'
carve="memmap=3G%4G-1+0xefffffff nokaslr pmemreclaim=hmem pmemreclaim.keep=$spec test.run=slices"
# NAME START SIZE ALIGN of each slice, as planned
slices=("vm0 $((4 * GiB)) $GiB $GiB" "vm1 $((5 * GiB)) $GiB $GiB" "log $((6 * GiB)) $((126 * MiB)) $((2 * MiB))")

check_boot() {  # check_boot LOG WHAT
  local b=$1 what=$2
  tb_assert_eq "$what: the record's ok" true "$(tb_record "$b" '.ok')"
  tb_assert_eq "$what: kmem bytes (7 blocks after the log slice)" $((7 * 128 * MiB)) "$(tb_kmem_bytes "$b")"
  tb_assert_eq "$what: the record's onlined and lost bytes" "$((7 * 128 * MiB)) $((2 * MiB))" \
    "$(tb_record "$b" '"\(.carves[0].onlined) \(.carves[0].lost)"')"
  tb_assert_eq "$what: slices in the record" "vm0 vm1 log" "$(tb_record "$b" '[.carves[0].slices[].name] | join(" ")')"
  ts_check_slices "$b" "$what"
  tb_assert_no_oops "$what" "$b"
}

for flavour in sid-amd64 bookworm-amd64; do
  TB_KERNEL_FLAVOUR=$flavour
  tb_setup
  tb_build_initrd "$TB_WORK/$flavour.cpio.gz" --extra "$TB_KDIR/vmlinuz:/boot/vmlinuz"
  tb_ramfile_create "$TB_RAMDIR/ram"
  ts_write_patterns
  cycles=0; [ "$flavour" = sid-amd64 ] && cycles=1
  tb_boot "$TB_WORK/$flavour.log" "$carve test.kexec=$cycles test.fill=1" || true
  boots=$(tr_split_cycles "$TB_WORK/$flavour.log" "$TB_WORK/$flavour")
  tb_assert_eq "$flavour: boots" $((cycles + 1)) "$boots"
  for i in $(seq 0 $((boots - 1))); do check_boot "$TB_WORK/$flavour/boot$i.log" "$flavour boot $i"; done
  ts_check_ram "$flavour, after the run"
  if [ "$flavour" = sid-amd64 ]; then
    # the next boot on the same RAM: the same devices over the same bytes
    tb_boot "$TB_WORK/$flavour-again.log" "$carve" || true
    check_boot "$TB_WORK/$flavour-again.log" "$flavour next boot"
    ts_same_devices "$TB_WORK/$flavour/boot0.log" "$TB_WORK/$flavour-again.log" "$flavour next boot"
    ts_check_ram "$flavour, after the next boot"
    # the same slices made by hand with daxctl (guest/slices-by-hand.sh), side by side
    log=$TB_WORK/$flavour-by-hand.log
    tb_boot "$log" "memmap=3G%4G-1+0xefffffff nokaslr test.run=slices-by-hand" || true
    tb_assert_eq "$flavour by hand: each step's status" "dax_hmem 0 create-1G:1G 0 create-1G:1G 0 create-126M:2M 0 system-ram 0" \
      "$(< "$log" sed -n 's/^@@byhand_rc \([^ ]*\) \([0-9]*\)$/\1 \2/p' | tr '\n' ' ' | sed 's/ $//')"
    tb_assert_eq "$flavour by hand: the same slice devices (address, size, align)" \
      "$(< "$TB_WORK/$flavour-again.log" sed -n 's/^@@slice_dax \(dax[0-9.]*\) \([^ ]* [^ ]* [^ ]*\) device_dax$/\2/p')" \
      "$(< "$log" sed -n 's/^@@slice_dax \(dax[0-9.]*\) \([^ ]* [^ ]* [^ ]*\) device_dax$/\2/p')"
    ts_check_ram "$flavour, after the slices by hand"
    ours_ms=$(tb_section "$TB_WORK/$flavour-again.log" dmesg | sed -n 's/.*pmemreclaim: timing: job \([0-9]*\) ms.*/\1/p' | tail -1)
    line="[$TB_NAME] COMPARE hmem slices vm*2:1G@1G,log:126M on 3G: pmemreclaim onlined=$(tb_kmem_bytes "$TB_WORK/$flavour-again.log")"
    line+=" job_ms=$ours_ms (one boot option); daxctl by hand onlined=$(tb_kmem_bytes "$log") ms=$(tb_report "$log" byhand_ms) (4 daxctl commands, 3 modprobe)"
    echo "$line"; echo "$line" >> "$TB_ROOT/.cache/boot-tests/compare.txt"
  fi
done
tb_finish
