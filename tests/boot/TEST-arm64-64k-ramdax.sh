#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# arm64, 64K pages (sid-arm64-64k: built from Debian sid's linux-source by qemu/kernel-build.sh; QEMU virt
# -cpu max, TCG, NUMA node 0): 512 MiB memory blocks, the kernel's dax align (PMD) 512 MiB. pmemreclaim=auto
# choosing ramdax (legacy would online nothing: the keep lies inside the one region) on one device-tree
# pmem-region carve of 2 GiB + 128 KiB at the block boundary 0x1c0000000 (9 GiB guest, mem=6G: the carve and
# its label area, the last 128 KiB, lie in QEMU RAM above the kernel's), keep=510M: a raw namespace
# "pmemreclaim-keep" over the 510 MiB, a devdax namespace "pmemreclaim-dax" at +510 MiB whose align is the
# page size (64 KiB), its data on the block boundary +512 MiB (2 MiB info block), 3 blocks (1610612736
# bytes) onlined, 2 MiB + 128 KiB lost (info block + labels), the kept bytes identical in the guest and in the
# RAM file, no Oops. Then the standard tools on the same ramdax carve (tests/boot/guest/ramdax-ndctl.sh:
# ndctl init-labels, a raw namespace of the keep, devdax -M mem -f of the rest at the kernel's 512 MiB dax
# align, daxctl): with the same keep ndctl refuses the devdax (its size is not a multiple of 512 MiB); with
# the keep rounded up to 512 MiB the devdax data starts at +1 GiB (a 512 MiB info block reserve): 1 GiB
# onlined. The kept bytes stay intact on every path.
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64-64k}
export TB_MEM=${TB_MEM_RAMDAX:-9G} TB_MEM_LIMIT=${TB_MEM_LIMIT:-6G} TB_NUMA=1
TB_TIMEOUT=${TB_TIMEOUT:-120}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/arm64.sh"
tr_use_arm64_binary

KEEP_MIB=${KEEP_MIB:-510}
base=$((0x1c0000000)) carve=$((0x80020000)) label=$((128 * 1024)) bs=$((512 * MiB)) page=65536
keep=$((KEEP_MIB * MiB)) kalign=$((512 * MiB))
export TB_PMEM; TB_PMEM=$(printf '0x%x:%d' $base $carve)
# the geometry the guest kernel must report: ramdax's region maps the carve less its label area; the kept
# namespace is the keep rounded up to 2 MiB; the devdax namespace follows it to the end of the mapping (2 MiB
# granules); its data starts on the first block boundary at least 2 MiB (the info block reserve,
# memremap_compat_align) after its start; kmem onlines the whole blocks from there to the end of the mapping
mapping=$((carve - label))
keepns=$(( (keep + 2 * MiB - 1) / (2 * MiB) * (2 * MiB) ))
usable=$(( mapping / (2 * MiB) * (2 * MiB) ))
daxns=$((base + keepns)) daxend=$((base + usable))
data=$(( (daxns + 2 * MiB + bs - 1) / bs * bs ))
expect_kmem=$(( daxend / bs * bs - data ))
expect_lost=$((carve - keep - expect_kmem))
tb_log "carve $TB_PMEM keep=$keep: expect keep ns $(printf '0x%x+0x%x' $base $keepns)," \
  "dax ns $(printf '0x%x-0x%x' $daxns $((daxend - 1))), data from $(printf '0x%x' $data), kmem $expect_kmem, lost $expect_lost"
tb_setup
tb_build_initrd

ram=$TB_RAMDIR/ram log=$TB_WORK/ours.log
want_guest=$(tb_pattern_sha256 141 $TB_GUEST_HASH)   # the guest hashes the first TB_GUEST_HASH bytes
tb_ramfile_create "$ram"
want=$(tb_write_pattern "$ram" $base 141 $keep)
tb_boot "$log" "pmemreclaim=auto pmemreclaim.keep=${KEEP_MIB}M test.kept=/dev/pmem0:$TB_GUEST_HASH" "$ram" \
  || tb_die "boot with pmemreclaim=auto"
ours_wall=$TB_WALL
< "$log" grep -E '^@@(kver|nd_(region|namespace|dax_align|dax_uuid))' | sed 's/^/    /' || true
tb_section "$log" dmesg | grep -E 'pmemreclaim:|kmem|ramdax|Oops|BUG|misaligned' | sed 's/^/    /' || true
tb_assert_eq "auto chose ramdax (legacy would online nothing with this keep)" ramdax "$(tb_record "$log" .strategy)"
tb_assert_no_oops "pmemreclaim" "$log"
tb_assert_eq "block size (512 MiB)" 0x20000000 "$(tb_report "$log" block_size)"
tb_assert_true "pmemreclaim bound the carve to ramdax" tr_dmesg_has "$log" "$(printf '%x' $base).pmem: bound to ramdax"
tb_assert_eq "carve bytes (nd region)" "$carve" "$(tb_carve_bytes "$log")"
tb_assert_true "the kernel's dax align (an nd_dax seed with align=$kalign)" \
  grep -q "^@@nd_dax_align [^ ]* align=$kalign " "$log"
ours=$(< "$log" sed -n 's/^@@nd_dax_uuid [^ ]* \([^ ]*\) namespace.*/\1/p' | head -1)
tb_assert_eq "pmemreclaim's devdax has the page size as its align" $page \
  "$(< "$log" sed -n "s/^@@nd_dax_align $ours align=\([0-9]*\) .*/\1/p")"
tb_assert_eq "kmem bytes" "$expect_kmem" "$(tb_kmem_bytes "$log")"
tb_assert_eq "bytes lost (info block + label area)" "$expect_lost" "$(tr_lost "$log" $keep)"
nsk=$(< "$log" sed -n 's/^@@nd_namespace \([^ ]*\) name=pmemreclaim-keep .* size=\([0-9]*\)$/\1 \2/p')
nsd=$(< "$log" sed -n 's/^@@nd_namespace \([^ ]*\) name=pmemreclaim-dax .* size=\([0-9]*\)$/\1 \2/p')
tb_assert_eq "kept namespace size" "$keepns" "${nsk#* }"
tb_assert_eq "devdax namespace size" "$((usable - keepns))" "${nsd#* }"
iomem=$(tb_section "$log" iomem)
tb_assert_eq "kept namespace in /proc/iomem" "$(printf '%x-%x' $base $((base + keepns - 1)))" \
  "$(sed -n "s/^ *\([0-9a-f]*-[0-9a-f]*\) : ${nsk% *}\$/\1/p" <<<"$iomem")"
tb_assert_eq "devdax namespace start in /proc/iomem" "$(printf '%x' $daxns)" \
  "$(sed -n "s/^ *\([0-9a-f]*\)-[0-9a-f]* : ${nsd% *}\$/\1/p" <<<"$iomem")"
tb_assert_eq "devdax data in /proc/iomem (from the block boundary)" "$(printf '%x-%x' $data $((daxend - 1)))" \
  "$(sed -n 's/^ *\([0-9a-f]*-[0-9a-f]*\) : dax[0-9]*\.[0-9]*$/\1/p' <<<"$iomem" | head -1)"
# boot RAM 0x40000000-0x1bfffffff: blocks 2..13 (12); the carve's whole blocks after the data start
tb_assert_eq "memory blocks online (12 of boot RAM + the carve's)" $((12 + expect_kmem / bs)) \
  "$(tb_report "$log" blocks_online)"
tb_assert_eq "kept bytes in the guest (/dev/pmem0, first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$log" sha256 2)"
tb_assert_eq "kept bytes in the RAM file after poweroff" "$want" "$(tb_read_sha256 "$ram" $base $keep)"

# The standard tools on the same ramdax carve, same VM, a fresh RAM file with the same pattern each time.
# ndctl_boot NAME KEEP_BYTES REGION_ALIGN: guest/ramdax-ndctl.sh (ndctl init-labels, raw namespace of KEEP,
# devdax -M mem -f of the rest at the kernel's default dax align, daxctl); sets nlog, nram
ndctl_boot() {
  nlog=$TB_WORK/$1.log nram=$TB_RAMDIR/ram-$1
  tb_ramfile_create "$nram"
  tb_write_pattern "$nram" $base 141 $keep >/dev/null
  tb_boot "$nlog" "test.auto_online=offline test.run=ramdax-ndctl test.rd_keep=$2 test.rd_align=$3 \
test.kept=/dev/pmem0:$TB_GUEST_HASH" "$nram" || true
  tb_section "$nlog" ndctl | grep -vE '^ *[{}]|^ *"(uuid|raw_uuid|sector_size|blockdev|chardev|numa_node|target_node|mode|map|size|dev|name)"' \
    | sed 's/^/    ndctl| /' || true
  < "$nlog" grep -E '^@@(rd_bound|region_align|dax_resource|nd_namespace)' | sed 's/^/    /' || true
  tb_section "$nlog" dmesg | grep -E 'kmem|Oops|BUG' | sed 's/^/    /' || true
  tb_assert_no_oops "$1" "$nlog"
  tb_assert_eq "$1: kept bytes in the guest (first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$nlog" sha256 2)"
  tb_assert_eq "$1: kept bytes in the RAM file after poweroff" "$want" "$(tb_read_sha256 "$nram" $base $keep)"
}
# 1. the same keep: ndctl needs the region align lowered to the page size for a 510M raw namespace, and then
#    refuses the devdax: its size must be a multiple of the kernel's 512 MiB dax align
ndctl_boot ndctl-same-keep $keep 64K
tb_assert_true "ndctl with the same keep: ndctl refuses the devdax (size not a multiple of 512 MiB)" \
  [ "$(tb_report "$nlog" ndctl_rc)" != 0 ]
tb_assert_eq "ndctl with the same keep: kmem bytes" 0 "$(tb_kmem_bytes "$nlog")"
# 2. the keep rounded up to the kernel's dax align (what ndctl's defaults allow): the devdax at +512 MiB, its
#    info block reserve the 512 MiB align, its data from +1 GiB: 2 blocks
nkeep=$(( (keep + kalign - 1) / kalign * kalign ))
ndata=$(( (base + nkeep + 8192 + kalign - 1) / kalign * kalign ))
nexpect=$(( daxend / bs * bs - ndata ))
ndctl_boot ndctl $nkeep 16M
ndctl_wall=$TB_WALL
tb_assert_eq "ndctl (keep $nkeep): ndctl rc" 0 "$(tb_report "$nlog" ndctl_rc)"
tb_assert_eq "ndctl (keep $nkeep): daxctl rc" 0 "$(tb_report "$nlog" daxctl_rc)"
tb_assert_eq "ndctl (keep $nkeep): kmem bytes (data from $(printf '0x%x' $ndata))" "$nexpect" "$(tb_kmem_bytes "$nlog")"
tb_assert_ge "pmemreclaim onlines at least what ndctl+daxctl does" "$(tb_kmem_bytes "$nlog")" "$(tb_kmem_bytes "$log")"
tr_compare "arm64 64K-page ramdax carve $TB_PMEM keep=$keep (ndctl: keep $nkeep)" "$log" $keep "$nlog"
tb_log "wall: pmemreclaim boot ${ours_wall}s, ndctl boot ${ndctl_wall}s"
tb_finish
