#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Linux 6.1 has no ramdax: pmemreclaim=ramdax says so in one line, leaves the carve untouched, and
# the machine boots; pmemreclaim=auto falls back to legacy.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 5 $MiB)
tb_boot "$TB_WORK/ramdax.log" "memmap=2G!4G pmemreclaim=ramdax test.modprobe=nd_e820,nd_pmem test.kept=/dev/pmem0:$MiB" \
  || tb_die "the machine did not boot to the test init"
log=$TB_WORK/ramdax.log
tb_assert_eq "the record: not ok, no ramdax driver" "false true" \
  "$(tb_record "$log" '"\(.ok) \(.error | startswith("this kernel has no ramdax driver"))"')"
tb_assert_eq "kmem bytes" 0 "$(tb_kmem_bytes "$log")"
tb_assert_eq "carve bytes unchanged" "$want" "$(tb_report "$log" sha256 2)"
tb_boot "$TB_WORK/auto.log" "memmap=2G!4G pmemreclaim=auto" || tb_die "auto boot"
tb_assert_eq "auto fell back to legacy (the record)" legacy "$(tb_record "$TB_WORK/auto.log" .strategy)"
tb_assert_eq "auto: kmem bytes" $((1920 * MiB)) "$(tb_kmem_bytes "$TB_WORK/auto.log")"
tb_finish
