#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# arm64, 64K pages (sid-arm64-64k: built from Debian sid's linux-source by qemu/kernel-build.sh; QEMU virt
# -cpu max, TCG, NUMA node 0): 512 MiB memory blocks. Two adjacent device-tree pmem-region carves (8 GiB
# guest, mem=6G: RAM 0x40000000-0x1bfffffff, carves 0x1c0000000-0x23fffffff): 510 MiB to keep at the block
# boundary 0x1c0000000, then 1538 MiB starting 2 MiB below the block boundary 0x1e0000000. Three boots:
#   1. no pmemreclaim= option: nothing onlined, nothing written (the whole 2 GiB of the carves in the RAM
#      file hashes the same before and after; the kept pattern reads back in the guest);
#   2. pmemreclaim=legacy pmemreclaim.keep=510M: the second carve's devdax data on 0x1e0000000, 3 blocks
#      (1536 MiB) onlined, 2 MiB lost, the kept bytes identical in the guest and in the RAM file;
#   3. ndctl create-namespace -m devdax -M mem + daxctl on the same second carve (region align lowered to
#      2 MiB: ndctl refuses a size that is not a multiple of it; ndctl 85 picks the 64 KiB page size as the
#      devdax align there, not the kernel's 512 MiB): measured 1536 MiB onlined, 2 MiB lost.
# The bytes lost by each are printed (COMPARE line, as in TEST-arm64-legacy.sh).
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64-64k}
export TB_MEM_LIMIT=${TB_MEM_LIMIT:-6G} TB_NUMA=1
TB_TIMEOUT=${TB_TIMEOUT:-120}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/arm64.sh"
tr_use_arm64_binary
base=$((0x1c0000000)) bs=$((512 * MiB))
kept=$((510 * MiB)) dsize=$((1538 * MiB))
dstart=$((base + kept))
export TB_PMEM; TB_PMEM=$(printf '0x%x:%d,0x%x:%d' $base $kept $dstart $dsize)
tb_setup
tb_build_initrd
ram=$TB_RAMDIR/ram
want_guest=$(tb_pattern_sha256 126 $TB_GUEST_HASH)
# fill: the kept carve's pattern, the devdax carve's first 8 MiB (where an info block would go) and last MiB
fill() {
  tb_ramfile_create "$ram"
  want=$(tb_write_pattern "$ram" $base 126 $kept)
  tb_write_pattern "$ram" $dstart 128 $((8 * MiB)) >/dev/null
  tb_write_pattern "$ram" $((base + 2 * GiB - MiB)) 127 $MiB >/dev/null
}

# ---- 1. no pmemreclaim= option ----
fill
whole=$(tb_read_sha256 "$ram" $base $((2 * GiB)))
log=$TB_WORK/no-option.log
tb_boot "$log" "test.modprobe=of_pmem,nd_pmem test.kept=/dev/pmem0:$TB_GUEST_HASH" "$ram" \
  || tb_die "no-option boot did not reach the test init"
< "$log" grep -E '^@@(kver|modules_at_init|nd_region|nd_dax_uuid|blocks_online)' | sed 's/^/    /' || true
tb_assert_eq "no option: the test init runs as PID 1 (exec'd by pmemreclaim)" pid=1 "$(tb_report "$log" init_start 2)"
tb_assert_eq "no option: block size (512 MiB)" 0x20000000 "$(tb_report "$log" block_size)"
tb_assert_eq "no option: no module loaded before the test init" "" "$(tb_report "$log" modules_at_init)"
tb_assert_eq "no option: carve bytes (nd regions)" $((2 * GiB)) "$(tb_carve_bytes "$log")"
tb_assert_eq "no option: kmem bytes" 0 "$(tb_kmem_bytes "$log")"
tb_assert_eq "no option: memory blocks online (boot RAM only: blocks 2..13)" 12 "$(tb_report "$log" blocks_online)"
tb_assert_eq "no option: no nd dax device claims a namespace" "" "$(tb_report "$log" nd_dax_uuid)"
tb_assert_eq "no option: kept bytes in the guest (/dev/pmem0, first $TB_GUEST_HASH)" "$want_guest" \
  "$(tb_report "$log" sha256 2)"
tb_assert_eq "no option: the whole 2 GiB of the carves unchanged in the RAM file" "$whole" \
  "$(tb_read_sha256 "$ram" $base $((2 * GiB)))"
tb_assert_no_oops "no option" "$log"
noopt_lost=$(tr_lost "$log" $kept)

# ---- 2. pmemreclaim=legacy, keep 510M ----
fill
log=$TB_WORK/ours.log
tb_boot "$log" "pmemreclaim=legacy pmemreclaim.keep=$kept test.kept=/dev/pmem0:$TB_GUEST_HASH" "$ram" \
  || tb_die "boot with pmemreclaim=legacy"
< "$log" grep -E '^@@(nd_region|nd_dax_align|nd_dax_uuid)' | sed 's/^/    /' || true
tb_section "$log" dmesg | grep -E 'pmemreclaim:|kmem' | sed 's/^/    /' || true
tb_assert_no_oops "legacy" "$log"
tb_assert_eq "legacy: block size (512 MiB)" 0x20000000 "$(tb_report "$log" block_size)"
tb_assert_eq "legacy: carve bytes (nd regions)" $((2 * GiB)) "$(tb_carve_bytes "$log")"
tb_assert_eq "legacy: kmem bytes" $((1536 * MiB)) "$(tb_kmem_bytes "$log")"
tb_assert_eq "legacy: bytes lost" $((2 * MiB)) "$(tr_lost "$log" $kept)"
tb_assert_eq "legacy: devdax data starts on the block boundary (/proc/iomem)" 1e0000000 \
  "$(tb_section "$log" iomem | sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : dax[0-9]*\.[0-9]*$/\1/p' | head -1)"
ours_ns=$(< "$log" sed -n 's/^@@nd_dax_uuid [^ ]* \([^ ]*\) namespace.*/\1/p' | head -1)
tb_assert_eq "legacy: the devdax has the page size as its align" 65536 \
  "$(< "$log" sed -n "s/^@@nd_dax_align $ours_ns align=\([0-9]*\) .*/\1/p")"
tb_assert_eq "legacy: memory blocks online (12 of boot RAM + 3 x 512 MiB)" 15 "$(tb_report "$log" blocks_online)"
tb_assert_eq "legacy: kept bytes in the guest (/dev/pmem0, first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$log" sha256 2)"
tb_assert_eq "legacy: kept bytes in the RAM file after poweroff" "$want" "$(tb_read_sha256 "$ram" $base $kept)"

# ---- 3. ndctl + daxctl on the same second carve ----
tr_ndctl_boot "$TB_WORK/ndctl.log" "test.modprobe=of_pmem test.auto_online=offline" namespace1.0 "test.region_align=2M"
nlog=$TB_WORK/ndctl.log
< "$nlog" grep -E '^@@(region_align|dax_resource|nd_dax_align)' | sed 's/^/    /' || true
tb_assert_no_oops "ndctl" "$nlog"
tb_assert_eq "ndctl rc" 0 "$(tb_report "$nlog" ndctl_rc)"
tb_assert_eq "daxctl rc" 0 "$(tb_report "$nlog" daxctl_rc)"
tb_assert_eq "ndctl+daxctl kmem bytes" $((1536 * MiB)) "$TR_NDCTL_KMEM"
tb_log "bytes lost of the $dsize-byte devdax carve (the 510 MiB kept aside): no option $noopt_lost," \
  "pmemreclaim=legacy $(tr_lost "$log" $kept), ndctl+daxctl $(tr_lost "$nlog" $kept)"
tr_compare "arm64 64K-page carves $TB_PMEM keep=$kept" "$log" $kept "$nlog"
tb_finish
