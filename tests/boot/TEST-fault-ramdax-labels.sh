#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault matrix, ramdax (Linux 7.2): pmemreclaim.keep reaching into the label area (the last 128 KiB of
# the carve). Refused before anything is bound or written: one line, no kmem, the carve still on nd_e820
# (the test init can load nd_pmem and read it as /dev/pmem0), and its last 128 KiB unchanged.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
tail_gpa=$((6 * GiB - 128 * 1024))
want_tail=$(tb_write_pattern "$TB_RAMDIR/ram" $tail_gpa 31 $((128 * 1024)))
want_head=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 32 $MiB)
tb_boot "$TB_WORK/boot.log" "memmap=2G!4G pmemreclaim=ramdax pmemreclaim.keep=0x7fff0000 \
test.modprobe=nd_e820,nd_pmem test.kept=/dev/pmem0:$MiB" || tb_die "did not reach the test init"
log=$TB_WORK/boot.log
tb_assert_true "one clear line" tr_dmesg_has "$log" "reaches into the label area"
tb_assert_eq "the record: not ok, no carve laid out" "false 0" "$(tb_record "$log" '"\(.ok) \(.carves | length)"')"
tb_assert_eq "kmem bytes" 0 "$(tb_kmem_bytes "$log")"
tb_assert_eq "the carve is still legacy pmem (/dev/pmem0 reads the kept bytes)" "$want_head" "$(tb_report "$log" sha256 2)"
tb_assert_eq "label area bytes unchanged (RAM file)" "$want_tail" "$(tb_read_sha256 "$TB_RAMDIR/ram" $tail_gpa $((128 * 1024)))"
tb_finish
