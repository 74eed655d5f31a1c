#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Named kept slices on ramdax (Linux 7.2): memmap=3G!4G pmemreclaim=ramdax pmemreclaim.keep=vm*2:1G,log:126M
# in an 8 GiB guest. Each slice is a labelled devdax namespace whose info block and padding (2 MiB) come
# before it, so the kernel starts its data exactly on the slice: vm0 at 4G+2M, vm1 at 5G+4M, log at
# 6G+6M; the rest of the carve (less the 128 KiB label area) is a devdax namespace onlined by kmem: 5
# blocks. Before the first boot the host writes a pattern into every slice of the guest RAM file. One QEMU
# run of two boots (the second through `kexec -s`), then a second run on the same RAM (the next boot).
# Asserted per boot, from the guest kernel: each /dev/pmemreclaim/NAME is a dax device of the slice's
# address, size and align, bound to device_dax; the record names it; no System RAM (kmem) in a slice; the
# kmem bytes; `preserved`: false on the first boot (made), true after (found); every slice's bytes in the
# RAM file are the pattern after each run.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
TB_SMP=${TB_SMP:-1}   # a kexec'd 7.2 kernel with two TCG vCPUs can hang (TEST-hmem.sh)
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/slices.sh"
tr_require_binary
carve='memmap=3G!4G pmemreclaim=ramdax pmemreclaim.keep=vm*2:1G,log:126M test.run=slices'
slices=("vm0 $((4 * GiB + 2 * MiB)) $GiB $((2 * MiB))" "vm1 $((5 * GiB + 4 * MiB)) $GiB $((2 * MiB))"
        "log $((6 * GiB + 6 * MiB)) $((126 * MiB)) $((2 * MiB))")

check_boot() {  # check_boot LOG WHAT PRESERVED
  local b=$1 what=$2
  tb_assert_eq "$what: the record's ok and strategy" "true ramdax" "$(tb_record "$b" '"\(.ok) \(.strategy)"')"
  tb_assert_eq "$what: kmem bytes (5 blocks after the log slice) = the record's onlined" \
    "$((5 * 128 * MiB)) $((5 * 128 * MiB))" "$(tb_kmem_bytes "$b") $(tb_record "$b" '.carves[0].onlined')"
  tb_assert_eq "$what: each slice's preserved" "$3 $3 $3" \
    "$(tb_record "$b" '[.carves[0].slices[].preserved] | map(tostring) | join(" ")')"
  ts_check_slices "$b" "$what"
  tb_assert_no_oops "$what" "$b"
}

tb_setup
tb_build_initrd "$TB_WORK/test.cpio.gz" --extra "$TB_KDIR/vmlinuz:/boot/vmlinuz"
tb_ramfile_create "$TB_RAMDIR/ram"
ts_write_patterns
tb_boot "$TB_WORK/chain.log" "$carve test.kexec=1 test.fill=1" || true
boots=$(tr_split_cycles "$TB_WORK/chain.log" "$TB_WORK/boots")
tb_assert_eq "boots" 2 "$boots"
check_boot "$TB_WORK/boots/boot0.log" "boot 0" false
check_boot "$TB_WORK/boots/boot1.log" "boot 1 (kexec -s)" true
ts_same_devices "$TB_WORK/boots/boot0.log" "$TB_WORK/boots/boot1.log" "boot 1 (kexec -s)"
ts_check_ram "after the run"
tb_boot "$TB_WORK/again.log" "$carve" || true
check_boot "$TB_WORK/again.log" "next boot" true
ts_same_devices "$TB_WORK/boots/boot0.log" "$TB_WORK/again.log" "next boot"
ts_check_ram "after the next boot"
tb_finish
