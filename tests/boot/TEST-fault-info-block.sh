#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault matrix, what is already in the carve: garbage where the info block goes (not an info block:
# the region is plain pmem, pmemreclaim writes its own), and ndctl's devdax info blocks made in a first
# boot (map=dev, another layout; map=mem, the same shape as pmemreclaim's): without pmemreclaim's mark they
# are left as they are, nothing onlined, and a line says why.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 17 $((64 * 1024)) >/dev/null   # garbage over the info block
tb_boot "$TB_WORK/garbage.log" "memmap=2G!4G pmemreclaim=legacy" || tb_die "garbage: no boot"
tb_assert_eq "garbage: reclaimed as usual" $((1920 * MiB)) "$(tb_kmem_bytes "$TB_WORK/garbage.log")"

# ndctl's devdax, map=dev (another layout) and map=mem (the very shape pmemreclaim makes: data 2 MiB in):
# made and onlined by ndctl + daxctl in a first boot, left alone by pmemreclaim in the next (no mark).
for map in dev mem; do
  tb_ramfile_create "$TB_RAMDIR/ram"
  tb_boot "$TB_WORK/other-$map.log" "memmap=2G!4G test.ndctl=devdax test.map=$map" || tb_die "ndctl map=$map: no boot"
  tb_assert_true "ndctl made a devdax (map=$map)" [ "$(tb_kmem_bytes "$TB_WORK/other-$map.log")" -gt 0 ]
  uuid=$(tb_report "$TB_WORK/other-$map.log" nd_dax_uuid 1)
  tb_boot "$TB_WORK/later-$map.log" "memmap=2G!4G pmemreclaim=legacy" || tb_die "second boot: no boot"
  log=$TB_WORK/later-$map.log
  tb_assert_eq "ndctl's map=$map devdax: left, and the record says why" "leave foreign-info-block" \
    "$(tb_record "$log" '.carves[0].regions[0] | "\(.action) \(.reason)"')"
  tb_assert_eq "ndctl's map=$map devdax: kmem bytes" 0 "$(tb_kmem_bytes "$log")"
  tb_assert_eq "ndctl's map=$map devdax: its info block is still ndctl's (uuid)" "$uuid" "$(tb_report "$log" nd_dax_uuid 1)"
  tb_assert_eq "ndctl's map=$map devdax: its dax device is still there" 1 \
    "$(tb_section "$log" iomem | grep -c ': dax0\.' || true)"
done
tb_finish
