#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Linux 7.2, memmap=2G!4G pmemreclaim=auto pmemreclaim.keep=126M: legacy would have to refuse the
# region (its info block would land on kept data), so auto takes ramdax: a raw namespace exactly over
# the 126 MiB, then devdax: 14 blocks onlined (1879048192 bytes), 130 MiB lost - the minimum the
# planner's unit tests give for this carve ("ramdax: 2G!4G keep=126M"), and the advice printed.
# The kernel's memory_hotplug.memmap_on_memory=1 is on the command line: pmemreclaim.memmap_on_memory=auto
# asks for the onlined blocks' memory map on them, and the kmem device says memmap_on_memory=1 (the same
# bytes onlined; MemTotal 1/64 of them lower than the ndctl boot's, where the map came from RAM).
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
kept=$((126 * MiB))
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 2 $kept)
want_guest=$(tb_pattern_sha256 2 $TB_GUEST_HASH)
memmap='memmap=2G!4G'
tb_boot "$TB_WORK/ours.log" "$memmap memory_hotplug.memmap_on_memory=1 pmemreclaim=auto pmemreclaim.keep=126M test.kept=/dev/pmem0:$TB_GUEST_HASH" \
  || tb_die "boot with pmemreclaim"
log=$TB_WORK/ours.log
tb_assert_eq "auto chose ramdax (the record)" ramdax "$(tb_record "$log" .strategy)"
tb_assert_eq "kmem bytes" 1879048192 "$(tb_kmem_bytes "$log")"
tb_assert_eq "bytes lost" $((130 * MiB)) "$(tr_lost "$log" $kept)"
tb_assert_eq "kept namespace in /proc/iomem" "100000000-107dfffff : namespace0.0" \
  "$(tb_section "$log" iomem | sed -n 's/^ *\(100000000-107dfffff : namespace0.0\)$/\1/p')"
tb_assert_eq "kept bytes in the guest (/dev/pmem0, first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$log" sha256 2)"
tb_assert_eq "kept bytes in the RAM file" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $kept)"
tb_assert_true "advice printed" tr_dmesg_has "$log" "to lose less next boot, carve: memmap="
tb_assert_eq "the kmem device's memmap_on_memory (the kernel's parameter on: auto asks for it)" "driver=kmem memmap_on_memory=1" \
  "$(< "$log" sed -n 's/^@@dax_device .* \(driver=kmem memmap_on_memory=.*\)$/\1/p' | sort -u)"
# The standard tools on the same ramdax carve (ramdax bound by hand, ndctl init-labels, a raw namespace
# for the kept bytes, devdax for the rest, daxctl; auto_online_blocks=offline or daxctl aborts on 7.x).
tb_ramfile_create "$TB_RAMDIR/ram-ndctl"
tb_write_pattern "$TB_RAMDIR/ram-ndctl" $((4 * GiB)) 2 $kept >/dev/null
tb_boot "$TB_WORK/ndctl.log" "$memmap test.auto_online=offline test.run=ramdax-ndctl test.rd_keep=$kept test.rd_align=2M" \
  "$TB_RAMDIR/ram-ndctl" || true
# the memory map of the onlined blocks on them: 64 bytes per 4 KiB page (MemTotal leaves it out; daxctl
# 81 has no memmap_on_memory, its boot takes the map from RAM)
tr_compare "$memmap keep=126M (auto: ramdax)" "$log" $kept "$TB_WORK/ndctl.log" $(( $(tb_kmem_bytes "$log") / 64 ))
tb_assert_eq "ndctl+daxctl path: kept bytes in its RAM file" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram-ndctl" $((4 * GiB)) $kept)"
tb_finish
