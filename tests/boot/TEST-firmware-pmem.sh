#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Only RAM is a carve (issue 21, point 2), Linux 7.2, x86: persistent memory the firmware reports (e820
# type 12, as older NVDIMM-N platforms do) is never written, onlined or moved, whatever the strategy.
# QEMU's firmware has no such range, so the first kernel makes one for the second: it keeps the 1 GiB of
# RAM at 4 GiB to itself (memmap=1G$4G), lists it as "Persistent Memory (legacy)" in /sys/firmware/memmap
# and starts itself again with `kexec -l`, which hands the next kernel that map (guest/test-init.sh,
# test.fwpmem). The second kernel runs pmemreclaim=auto keep=126M with no memmap= on its command line.
# Asserted from the second kernel: the range is persistent memory in /proc/iomem and in its firmware map,
# 0 kmem bytes, no carve in the record; and from the RAM file after poweroff: all 1 GiB are the pattern
# written before the first boot.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
export TB_MEM=${TB_MEM:-4G}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tr_build_kexec_initrd
size=$((1 * GiB))
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 7 $size)
TB_TIMEOUT=${TB_TIMEOUT_KEXEC:-600}
tb_boot "$TB_WORK/chain.log" 'memmap=1G$4G pmemreclaim=off pmemreclaim.keep=126M test.fwpmem=auto' || true
boots=$(tr_split_cycles "$TB_WORK/chain.log" "$TB_WORK/boots")
tb_assert_eq "boots (the first kernel, then the one kexec -l started)" 2 "$boots"
tb_assert_eq "first kernel: the firmware map entry at 4 GiB, relabelled" \
  "0x100000000-0x13fffffff Persistent Memory (legacy)" "$(tb_report "$TB_WORK/boots/boot0.log" fwpmem_entry | cut -d' ' -f2-)"
second=$TB_WORK/boots/boot1.log
if [ -s "$second" ]; then
  tb_assert_true "second kernel: no memmap= on its command line" \
    bash -c "! < '$second' grep -m1 '^@@cmdline' | grep -q 'memmap='"
  tb_assert_eq "second kernel: firmware persistent memory in /proc/iomem" "$size" "$(tb_carve_bytes "$second")"
  tb_assert_eq "second kernel: kmem bytes" 0 "$(tb_kmem_bytes "$second")"
  tb_assert_eq "second kernel: no dax device at /init" "" \
    "$(tb_report "$second" devs_at_init | tr ',' '\n' | grep '^dax' || true)"
  state=$(tb_report "$second" state_json)
  tb_assert_eq "second kernel: carves in the record" 0 "$(jq '.carves | length' <<<"$state")"
else
  tb_fail "the second kernel did not report (no second @@init_start)"
fi
tb_assert_eq "the 1 GiB of firmware persistent memory in the RAM file after poweroff" "$want" \
  "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $size)"
tb_finish
