#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `pmemreclaim plan` on a running system says what `apply` then does: the same strategy and the same bytes.
# Linux 7.2, no pmemreclaim= at boot; in the guest `plan --json` then `apply` with the same flags, on
#   memmap=2G!4G, keep 0      -> legacy (1920 MiB),
#   memmap=2G!4G, keep 126M   -> ramdax (legacy would online nothing; 1792 MiB),
#   memmap=2G%4G-1+... hmem, keep 256M -> hmem (1792 MiB, nothing lost).
# Asserted: plan's strategy and apply's (from apply --json), and plan's onlined bytes equal to the System RAM
# (kmem) bytes the guest kernel reports after apply; apply exits 0; and the kernel-side trace of the strategy (e820_pmem bound to ramdax,
# or not).
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
command -v jq >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }

# case NAME CARVE ARGS STRATEGY ONLINED E820_DRIVER
case_() {
  local name=$1 carve=$2 args=$3 strategy=$4 onlined=$5 driver=$6 log=$TB_WORK/$1.log plan apply
  tb_ramfile_create "$TB_RAMDIR/ram"
  tb_boot "$log" "$carve test.run=plan-apply test.pa_args=$args" || { tb_fail "$name: no report"; return 0; }
  < "$log" grep -E '^@@pa_(plan_rc|apply_rc|e820)|^@@pa_apply_log .*(strategy|carve \[)' | sed 's/^/    /' || true
  plan=$(< "$log" sed -n 's/^@@pa_plan //p')
  tb_assert_eq "$name: plan exit status" 0 "$(tb_report "$log" pa_plan_rc)"
  tb_assert_eq "$name: plan's strategy" "$strategy" "$(jq -r .strategy <<<"$plan")"
  tb_assert_eq "$name: plan's onlined bytes" "$onlined" "$(jq '[.carves[].onlined] | add' <<<"$plan")"
  tb_assert_eq "$name: apply exit status" 0 "$(tb_report "$log" pa_apply_rc)"
  apply=$(< "$log" sed -n 's/^@@pa_apply //p')
  tb_assert_eq "$name: apply's strategy (its --json outcome)" "$strategy" "$(jq -r .strategy <<<"$apply")"
  tb_assert_eq "$name: the kernel's kmem bytes after apply = plan's" "$(jq '[.carves[].onlined] | add' <<<"$plan")" \
    "$(tb_kmem_bytes "$log")"
  tb_assert_eq "$name: e820_pmem's driver after apply" "$driver" "$(tb_report "$log" pa_e820_driver)"
}
case_ legacy 'memmap=2G!4G' --keep=0 legacy $((1920 * MiB)) e820_pmem
case_ ramdax 'memmap=2G!4G' --keep=126M ramdax $((1792 * MiB)) ramdax
case_ hmem 'memmap=2G%4G-1+0xefffffff nokaslr' --keep=256M hmem $((1792 * MiB)) ""
tb_finish
