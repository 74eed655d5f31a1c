#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The handoff record (/run/pmemreclaim/state.json, issue 15), Linux 7.2, as the next init finds it (a tmpfs
# /run that pmemreclaim mounted as PID 1). On one guest RAM file:
#   ramdax, memmap=2G!4G keep=126M: boot 1 makes the layout ("preserved": false), boot 2 finds it
#   (true; the kept bytes, written from the host before boot 1, still there), then the RAM file is zeroed
#   (a cold boot): false again, and the kernel log says no earlier layout was found (not that the bytes are new);
#   legacy, memmap=126M!4G memmap=1922M!4222M keep=126M: false, then true.
# /dev/pmemreclaim/keep (and keep0) made by PID 1 from the record point at the kept namespace's block device,
# which holds the pattern. Asserted against the guest kernel: the record's onlined bytes equal the System RAM (kmem) bytes of
# /proc/iomem, its kept range is where the pattern is, and its kept device is the one /proc/iomem shows
# over the kept range.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
command -v jq >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }
kept=$((126 * MiB))

# boot NAME APPEND PRESERVED: one boot on $TB_RAMDIR/ram; the record's fields checked
boot() {
  local name=$1 append=$2 preserved=$3 log=$TB_WORK/$1.log state
  tb_boot "$log" "$append pmemreclaim.keep=126M" || { tb_fail "$name: no report"; return 0; }
  state=$(tb_report "$log" state_json)
  echo "    state.json: $state"
  tb_assert_eq "$name: /run is a tmpfs at the next init" tmpfs "$(tb_report "$log" run_mount)"
  tb_assert_eq "$name: record version" 1 "$(jq -r .version <<<"$state")"
  tb_assert_eq "$name: record ok" true "$(jq -r .ok <<<"$state")"
  tb_assert_eq "$name: preserved" "$preserved" "$(jq -r '.carves[0].preserved' <<<"$state")"
  tb_assert_eq "$name: kept range start" $((4 * GiB)) "$(jq -r '.carves[0].kept.start' <<<"$state")"
  tb_assert_eq "$name: kept range size" $kept "$(jq -r '.carves[0].kept.size' <<<"$state")"
  tb_assert_eq "$name: onlined bytes = the kernel's System RAM (kmem)" "$(tb_kmem_bytes "$log")" \
    "$(jq '[.carves[].onlined] | add' <<<"$state")"
  local dev
  dev=$(jq -r '.carves[0].kept_devices[0]' <<<"$state")
  tb_assert_true "$name: the kept device ($dev) is over the kept range in /proc/iomem" \
    grep -qE "^ *100000000-[0-9a-f]+ : $dev\$" <(tb_section "$log" iomem)
}

tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 5 $kept)
boot ramdax-1 'memmap=2G!4G pmemreclaim=ramdax' false
boot ramdax-2 "memmap=2G!4G pmemreclaim=ramdax test.kept=/dev/pmemreclaim/keep:$TB_GUEST_HASH" true
tb_assert_eq "ramdax-2: /dev/pmemreclaim links (made by PID 1 from the record)" "keep->../pmem0,keep0->../pmem0," \
  "$(tb_report "$TB_WORK/ramdax-2.log" keep_links)"
tb_assert_eq "ramdax-2: /dev/pmemreclaim/keep holds the kept bytes (first $TB_GUEST_HASH, pattern from the host)" \
  "$(tb_pattern_sha256 5 $TB_GUEST_HASH)" "$(tb_report "$TB_WORK/ramdax-2.log" sha256 2)"
tb_assert_eq "ramdax: kept bytes in the RAM file after two boots" "$want" \
  "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $kept)"
tb_ramfile_create "$TB_RAMDIR/ram"   # a cold boot: the RAM held nothing
boot ramdax-cold 'memmap=2G!4G pmemreclaim=ramdax' false
tb_assert_true "cold boot: the kernel log says no earlier layout was found, and only that" \
  tr_dmesg_has "$TB_WORK/ramdax-cold.log" "no layout of pmemreclaim's from an earlier boot"

tb_ramfile_create "$TB_RAMDIR/ram"
boot legacy-1 'memmap=126M!4G memmap=1922M!4222M pmemreclaim=legacy' false
boot legacy-2 'memmap=126M!4G memmap=1922M!4222M pmemreclaim=legacy' true
tb_finish
