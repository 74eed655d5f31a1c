#!/bin/bash
# Fault matrix, what is already in the carve: garbage where the info block goes (not an info block:
# the region is plain pmem, pmemreclaim writes its own), and a devdax info block of another layout
# (ndctl's map=dev, made in a first boot): left as it is, nothing onlined, and a line saying why.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_WORK/ram"
tb_write_pattern "$TB_WORK/ram" $((4 * GiB)) 17 $((64 * 1024)) >/dev/null   # garbage over the info block
tb_boot "$TB_WORK/garbage.log" "memmap=2G!4G pmemreclaim=legacy" || tb_die "garbage: no boot"
tb_assert_eq "garbage: reclaimed as usual" $((1920 * MiB)) "$(tb_kmem_bytes "$TB_WORK/garbage.log")"

tb_ramfile_create "$TB_WORK/ram"
tb_boot "$TB_WORK/other.log" "memmap=2G!4G test.ndctl=devdax test.map=dev" || tb_die "ndctl map=dev: no boot"
tb_assert_true "ndctl made a devdax of its own layout" [ "$(tb_kmem_bytes "$TB_WORK/other.log")" -gt 0 ]
tb_boot "$TB_WORK/later.log" "memmap=2G!4G pmemreclaim=legacy" || tb_die "second boot: no boot"
log=$TB_WORK/later.log
tb_assert_true "another layout: left, with a line" tr_dmesg_has "$log" "holds a devdax of another layout"
tb_assert_eq "another layout: kmem bytes" 0 "$(tb_kmem_bytes "$log")"
tb_assert_eq "another layout: its dax device is still there" 1 \
  "$(tb_section "$log" iomem | grep -c ': dax0\.' || true)"
tb_finish
