#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every boot honours its own keep (issue 21, point 6), Linux 7.2, on one guest RAM file, three boots each:
#   ramdax, memmap=2G!4G: keep 126M, then 254M (grow), then 62M (shrink). The layout of the earlier keep
#   is laid out again (its namespaces' labels deleted, the new ones made; no new info block inside the
#   new kept range). Before, the second boot found "namespaces of another layout" and onlined nothing.
#   hmem, memmap=2G%4G-1+0xefffffff (nokaslr): keep 256M, 512M, 128M (hmem splits anew every boot).
# The first 126 MiB hold a pattern written from the host before boot 1. After each boot, asserted on the
# guest kernel and the RAM file: the bytes kept in both this boot and the one before it are identical
# (the pattern's prefix), no System RAM (kmem) range in /proc/iomem starts inside this boot's kept range,
# the record's kept range is this boot's, and something is onlined.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
command -v jq >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }
carve=$((4 * GiB)) plen=$((126 * MiB))

# kmem_starts LOG: the start addresses of the System RAM (kmem) ranges, decimal
kmem_starts() { tb_section "$1" iomem | sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : System RAM (kmem)$/\1/p' | while read -r s; do echo $((16#$s)); done; }

# scenario NAME APPEND KEEP...: boots on a fresh RAM file holding the pattern, one per keep
scenario() {
  local name=$1 append=$2; shift 2
  local prev=0 keep log state shared s
  tb_ramfile_create "$TB_RAMDIR/ram"
  tb_write_pattern "$TB_RAMDIR/ram" $carve 7 $plen >/dev/null
  for keep in "$@"; do
    keep=$(tb_size "$keep")
    log=$TB_WORK/$name-$((keep >> 20))M.log
    tb_boot "$log" "$append pmemreclaim.keep=$((keep >> 20))M" || { tb_fail "$name keep $((keep >> 20))M: no report"; continue; }
    state=$(tb_report "$log" state_json)
    tb_assert_eq "$name keep $((keep >> 20))M: the record's kept range" "$carve $keep" \
      "$(jq -r '"\(.carves[0].kept.start) \(.carves[0].kept.size)"' <<<"$state")"
    tb_assert_true "$name keep $((keep >> 20))M: something onlined ($(tb_kmem_bytes "$log") bytes)" test "$(tb_kmem_bytes "$log")" -gt 0
    for s in $(kmem_starts "$log"); do
      tb_assert_true "$name keep $((keep >> 20))M: kmem at $(printf 0x%x "$s") is not in the kept range" \
        test "$s" -ge $((carve + keep)) -o "$s" -lt $carve
    done
    # the bytes kept in this boot and the one before (the pattern up to the first boot's 126 MiB)
    shared=$keep; [ "$prev" -eq 0 ] || [ "$prev" -ge "$shared" ] || shared=$prev
    [ "$shared" -le "$plen" ] || shared=$plen
    tb_assert_eq "$name keep $((keep >> 20))M: the first $((shared >> 20)) MiB kept in both boots, in the RAM file" \
      "$(tb_pattern_sha256 7 $shared)" "$(tb_read_sha256 "$TB_RAMDIR/ram" $carve $shared)"
    echo "[$TB_NAME] RESULT $name keep=$((keep >> 20))M kmem=$(tb_kmem_bytes "$log") record_onlined=$(jq '.carves[0].onlined' <<<"$state") wall=${TB_WALL}s"
    prev=$keep
  done
}

scenario ramdax 'memmap=2G!4G pmemreclaim=ramdax' 126M 254M 62M
scenario hmem 'memmap=2G%4G-1+0xefffffff nokaslr pmemreclaim=hmem' 256M 512M 128M
tb_finish
