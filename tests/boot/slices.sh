# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the named-slice boot tests (TEST-slices-*.sh), sourced after lib.sh and reclaim.sh. A test
# sets `slices`: one "NAME START SIZE ALIGN" per slice as planned (ALIGN of its dax device).
# shellcheck shell=bash
# shellcheck disable=SC2154  # slices: set by the test that sources this file

# ts_write_patterns: a pattern into every slice of the guest RAM file; their sha256 into ts_want
ts_write_patterns() {
  local s name start size align i=0
  ts_want=()
  for s in "${slices[@]}"; do
    read -r name start size align <<<"$s"
    ts_want+=("$(tb_write_pattern "$TB_RAMDIR/ram" "$start" "4$i" "$size")"); i=$((i + 1))
  done
}

# ts_check_ram WHAT: every slice's bytes in the RAM file are still its pattern
ts_check_ram() {
  local s name start size align i=0
  for s in "${slices[@]}"; do
    read -r name start size align <<<"$s"
    tb_assert_eq "$1 $name: its bytes in the RAM file" "${ts_want[$i]}" "$(tb_read_sha256 "$TB_RAMDIR/ram" "$start" "$size")"
    i=$((i + 1))
  done
}

# ts_check_slices LOG WHAT: per slice, the record's range, align and device; /dev/pmemreclaim/NAME is that
# dax device at the slice's address, of its size and align, bound to device_dax (guest/slices.sh); no
# System RAM (kmem) in it
ts_check_slices() {
  local b=$1 what=$2 s name start size align dev
  for s in "${slices[@]}"; do
    read -r name start size align <<<"$s"
    dev=$(tb_record "$b" "[.carves[].slices[] | select(.name == \"$name\")][0] | .device")
    tb_assert_eq "$what $name: the record's range and align" "$start $size $align" \
      "$(tb_record "$b" "[.carves[].slices[] | select(.name == \"$name\")][0] | \"\(.range.start) \(.range.size) \(.align)\"")"
    tb_assert_eq "$what $name: /dev/pmemreclaim/$name (device, resource, size, align, driver)" \
      "$dev $(printf '0x%x' "$start") $size $align device_dax" "$(tb_report "$b" "slice $name")"
    tb_assert_eq "$what $name: no System RAM (kmem) in the slice" 0 "$(tr_kmem_in "$b" "$start" $((start + size)))"
  done
}

# ts_same_devices LOG1 LOG2 WHAT: the records name the same device for each slice
ts_same_devices() {
  local q='[.carves[].slices[] | "\(.name)=\(.device)"] | join(" ")'
  tb_assert_eq "$3: the same slice devices" "$(tb_record "$1" "$q")" "$(tb_record "$2" "$q")"
}
