#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Named kept slices on legacy (label-less memmap= carves, Linux 6.1): pmemreclaim.keep=vm*2:1G@1G in an
# 8 GiB guest, the host having written a pattern into each slice of the guest RAM file first.
#   1. memmap=3G!4G: one region holds both slices, so nothing is written or onlined; the record says why
#      (reason slice-split, no device per slice) and gives the memmap= carves that lay the slices out;
#   2. those carves (read from boot 1's record): each slice is a carve region of its own, kept raw, and
#      /dev/pmemreclaim/NAME is its pmem block device; the rest of the carve is devdax onlined by kmem;
#   3. the same again (the next boot): the same devices over the same bytes. A raw carve region has no
#      mark, so the slices' `preserved` is null (can't tell), while the devdax carve after them is found.
# After every run each slice's bytes in the RAM file are the pattern.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
TB_KERNEL_FLAVOUR=bookworm-amd64
tb_setup
tb_build_initrd
opts='pmemreclaim=legacy pmemreclaim.keep=vm*2:1G@1G test.run=slices'
slices=("vm0 $((4 * GiB)) $GiB" "vm1 $((5 * GiB)) $GiB")
tb_ramfile_create "$TB_RAMDIR/ram"
want=(); i=0
for s in "${slices[@]}"; do
  read -r name start size <<<"$s"
  want+=("$(tb_write_pattern "$TB_RAMDIR/ram" "$start" 50$i "$size")"); i=$((i + 1))
done
check_ram() {  # check_ram WHAT
  local s name start size i=0
  for s in "${slices[@]}"; do
    read -r name start size <<<"$s"
    tb_assert_eq "$1 $name: its bytes in the RAM file" "${want[$i]}" "$(tb_read_sha256 "$TB_RAMDIR/ram" "$start" "$size")"
    i=$((i + 1))
  done
}

# 1. one carve: left as it is, the carves to use given
log=$TB_WORK/one-carve.log
tb_boot "$log" "memmap=3G!4G $opts" || tb_die "boot 1"
tb_assert_eq "one carve: nothing onlined" 0 "$(tb_kmem_bytes "$log")"
tb_assert_eq "one carve: the record's ok, the region's reason, the slices' devices" "false slice-split ," \
  "$(tb_record "$log" '"\(.ok) \(.carves[0].regions[0].reason) \([.carves[0].slices[].device] | join(","))"')"
next=$(tb_record "$log" '.carves[0].next_boot')
tb_assert_true "one carve: next_boot starts with a carve per slice ($next)" \
  eval "[[ '$next' == 'memmap=1G!4G memmap=1G!5G memmap='* ]]"
tb_assert_no_oops "one carve" "$log"
check_ram "one carve"

# 2. and 3. the advised carves, twice
for run in advised again; do
  log=$TB_WORK/$run.log
  tb_boot "$log" "$next $opts" || { tb_fail "$run: did not reach the end of the report"; continue; }
  tb_assert_eq "$run: the record's ok" true "$(tb_record "$log" '.ok')"
  tb_assert_eq "$run: onlined as planned (the record's onlined = the kernel's kmem bytes)" \
    "$(tb_kmem_bytes "$log")" "$(tb_record "$log" '[.carves[].onlined] | add')"
  tb_assert_ge "$run: kmem bytes (at least 7 blocks of the third GiB)" $((7 * 128 * MiB)) "$(tb_kmem_bytes "$log")"
  for s in "${slices[@]}"; do
    read -r name start size <<<"$s"
    ns=$(tb_record "$log" "[.carves[].slices[] | select(.name == \"$name\")][0] | .device")
    tb_assert_true "$run $name: the record names its namespace ($ns)" eval "[[ '$ns' == namespace*.0 ]]"
    tb_assert_eq "$run $name: /dev/pmemreclaim/$name (namespace resource, size, driver)" \
      "$(printf '0x%x' "$start") $size - nd_pmem" "$(tb_report "$log" "slice $name" | cut -d' ' -f2-)"
    tb_assert_eq "$run $name: no System RAM (kmem) in the slice" 0 "$(tr_kmem_in "$log" "$start" $((start + size)))"
  done
  tb_assert_no_oops "$run" "$log"
  check_ram "$run"
done
tb_assert_eq "again: the same slice devices as the first boot with these carves" \
  "$(tb_record "$TB_WORK/advised.log" '[.carves[].slices[] | "\(.name)=\(.device)"] | join(" ")')" \
  "$(tb_record "$TB_WORK/again.log" '[.carves[].slices[] | "\(.name)=\(.device)"] | join(" ")')"
tb_assert_eq "again: the slices' preserved (null: raw regions carry no mark) and the devdax carve's" "null null true" \
  "$(tb_record "$TB_WORK/again.log" '[.carves[].slices[].preserved, .carves[-1].preserved] | map(tostring) | join(" ")')"
tb_finish
