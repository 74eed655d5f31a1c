# SPDX-License-Identifier: GPL-2.0-or-later
# The arm64 scenarios the TEST-arm64-* files share, each run on 4K and 16K (or 64K) pages with the page
# size's alignments as arguments: a kept carve beside a devdax carve (tr_arm64_keep_scenario), a ramdax
# carve (tr_arm64_ramdax_scenario), a carve 2 MiB below a block boundary (tr_arm64_below_block_scenario).
# Source it after lib.sh and reclaim.sh.
# shellcheck shell=bash disable=SC2154  # GiB, MiB and TB_*: lib.sh, which every TEST file sources first
# ---- arm64 (TB_ARCH=arm64): device-tree carves ----
# tr_arm64_keep_scenario ALIGN_MIB: two adjacent pmem-region nodes at 0x1c0000000 (8 GiB guest, mem=6G,
# RAM 0x40000000-0x1bfffffff): a kept one of (128 - ALIGN) MiB, then a devdax one of (1920 + ALIGN) MiB
# starting ALIGN below the 128 MiB block boundary 0x1c8000000, so that its devdax data (after the info
# block reserve of ALIGN = the kernel's dax align: 2 MiB with 4K pages, 32 MiB with 16K) starts on it.
# Expected, from the kernel facts: kmem 1920 MiB, ALIGN lost, the kept bytes identical in the guest
# (/dev/pmemN of region0) and in the RAM file. Then the same with ndctl + daxctl (region align lowered to
# 2M on 4K, -f), and without NUMA: kmem rejects a node -1 dax device, so nothing must be onlined and the
# carve must not be written (pmemreclaim should refuse before creating the devdax).
tr_arm64_keep_scenario() {
  local align=$(( $1 * MiB ))
  local base=$((0x1c0000000)) kept=$(( 128 * MiB - align )) dsize=$(( 1920 * MiB + align ))
  export TB_PMEM TB_MEM_LIMIT=${TB_MEM_LIMIT:-6G}
  TB_PMEM=$(printf '0x%x:%d,0x%x:%d' $base $kept $((base + kept)) $dsize)
  tr_require_binary
  tb_setup
  tb_build_initrd
  local ram=$TB_RAMDIR/ram want log=$TB_WORK/ours.log keptopt="pmemreclaim.keep=$kept test.kept=/dev/pmem0:$TB_GUEST_HASH"
  local want_guest; want_guest=$(tb_pattern_sha256 126 $TB_GUEST_HASH)
  tb_ramfile_create "$ram"
  want=$(tb_write_pattern "$ram" $base 126 $kept)
  tb_write_pattern "$ram" $((base + 2 * GiB - MiB)) 127 $MiB > /dev/null   # the last MiB of the carve

  TB_NUMA=1 tb_boot "$log" "pmemreclaim=legacy $keptopt" "$ram" || tb_die "boot with pmemreclaim (NUMA)"
  tb_log "carves: $TB_PMEM; $(< "$log" grep '^@@nd_region' | tr '\n' ' ')"
  tb_section "$log" dmesg | grep -E 'pmemreclaim:|kmem|Oops|BUG' | sed 's/^/    /' || true
  tb_assert_eq "block size" 0x8000000 "$(tb_report "$log" block_size)"
  tb_assert_eq "carve bytes (nd regions)" $((2 * GiB)) "$(tb_carve_bytes "$log")"
  tb_assert_true "the kernel's dax align (an nd_dax seed with align=$align)" \
    grep -q "^@@nd_dax_align [^ ]* align=$align " "$log"
  tb_assert_eq "kmem bytes" $((1920 * MiB)) "$(tb_kmem_bytes "$log")"
  tb_assert_eq "bytes lost" "$align" "$(tr_lost "$log" $kept)"
  tb_assert_eq "kept bytes in the guest (/dev/pmem0, first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$log" sha256 2)"
  tb_assert_eq "kept bytes in the RAM file after poweroff" "$want" "$(tb_read_sha256 "$ram" $base $kept)"
  tb_assert_no_oops "pmemreclaim" "$log"

  tr_ndctl_boot "$TB_WORK/ndctl.log" "test.modprobe=of_pmem test.auto_online=offline" namespace1.0 \
    "test.region_align=$1M"
  tb_assert_eq "ndctl rc" 0 "$(tb_report "$TB_WORK/ndctl.log" ndctl_rc)"
  tb_assert_eq "daxctl rc" 0 "$(tb_report "$TB_WORK/ndctl.log" daxctl_rc)"
  tb_assert_eq "ndctl+daxctl kmem bytes" $((1920 * MiB)) "$TR_NDCTL_KMEM"
  tr_compare "arm64 ${1}M-align carves $TB_PMEM keep=$kept" "$log" $kept "$TB_WORK/ndctl.log"

  # no NUMA description: the region has node -1 and kmem rejects its dax device (TB_SKIP_NONUMA=1: skip)
  [ "${TB_SKIP_NONUMA:-0}" = 1 ] && { tb_log "no-NUMA boot skipped (TB_SKIP_NONUMA=1)"; return 0; }
  log=$TB_WORK/nonuma.log
  tb_ramfile_create "$ram"
  want=$(tb_write_pattern "$ram" $base 126 $kept)
  tb_write_pattern "$ram" $((base + 2 * GiB - MiB)) 127 $MiB > /dev/null
  local dhead; dhead=$(tb_read_sha256 "$ram" $((base + kept)) 65536)
  TB_NUMA=0 tb_boot "$log" "pmemreclaim=legacy $keptopt" "$ram" || tb_die "boot with pmemreclaim (no NUMA)"
  tb_section "$log" dmesg | grep -E 'pmemreclaim:|kmem|node' | sed 's/^/    /' || true
  tb_assert_true "region has no NUMA node (numa_node=-1)" \
    grep -q '^@@nd_region .*numa_node=-1' "$log"
  tb_assert_eq "no NUMA: kmem bytes" 0 "$(tb_kmem_bytes "$log")"
  tb_assert_eq "no NUMA: kept bytes in the RAM file" "$want" "$(tb_read_sha256 "$ram" $base $kept)"
  tb_assert_eq "no NUMA: devdax region's first 64 KiB not written (no info block)" "$dhead" \
    "$(tb_read_sha256 "$ram" $((base + kept)) 65536)"
  tb_assert_true "no NUMA: kmem was not asked to probe (no 'rejecting DAX region')" \
    tr_dmesg_lacks "$log" "rejecting DAX region with invalid node"
}

# tr_arm64_ramdax_scenario ALIGN_MIB KEEP_MIB [KERNEL_ALIGN_MIB]: pmemreclaim=ramdax (TR_STRATEGY=auto:
# pmemreclaim=auto, which must choose ramdax) on one device-tree
# pmem-region carve of 2 GiB + 128 KiB at 0x1c0000000 (9 GiB guest, mem=6G: the carve and its label area,
# the last 128 KiB, lie in QEMU RAM above the kernel's), with the first KEEP_MIB kept. ALIGN_MIB is
# pmemreclaim's layout alignment (2: its devdax align is the page size, the info block 2 MiB);
# KERNEL_ALIGN_MIB (default ALIGN_MIB) the kernel's default dax align, its PMD size (2 with 4K pages, 32
# with 16K), which the ndctl path keeps (ndctl's devdax must start on it, see KERNEL-FACTS). Expected, from ramdax's layout: label area = the last 128 KiB, region
# mapping = 2 GiB; a raw namespace "pmemreclaim-keep" of KEEP rounded up to ALIGN, then a devdax namespace
# "pmemreclaim-dax" to the end of the mapping, starting ALIGN-aligned, its data after an ALIGN info block,
# kmem onlining the whole 128 MiB blocks of the data. The kept bytes are checked in the guest (/dev/pmem0)
# and in the RAM file after poweroff. Then the standard tools on the same ramdax carve (guest/ramdax-ndctl.sh:
# ndctl init-labels, raw namespace of KEEP, devdax -M mem -f of the rest, daxctl) in the same VM.
tr_arm64_ramdax_scenario() {
  local align=$(( $1 * MiB )) keep=$(( $2 * MiB )) kalign_mib=${3:-$1}
  local kalign=$(( kalign_mib * MiB ))
  local base=$((0x1c0000000)) carve=$((0x80020000)) label=$((128 * 1024)) bs=$((128 * MiB))
  export TB_MEM=${TB_MEM_RAMDAX:-9G} TB_MEM_LIMIT=${TB_MEM_LIMIT:-6G} TB_NUMA=1 TB_PMEM
  TB_PMEM=$(printf '0x%x:%d' $base $carve)
  local mapping=$((carve - label))
  local keepns=$(( (keep + align - 1) / align * align ))
  local usable=$(( mapping / align * align ))
  local daxns=$((base + keepns)) daxend=$((base + usable))
  # the kernel starts devdax data on its own (PMD) alignment after the 8 KiB info block reserve
  local data=$(( (daxns + 8192 + kalign - 1) / kalign * kalign ))
  local on_start=$(( (data + bs - 1) / bs * bs )) on_end=$(( daxend / bs * bs ))
  local expect_kmem=$((on_end - on_start)) expect_lost
  expect_lost=$((carve - keep - expect_kmem))
  tb_log "carve $TB_PMEM keep=$keep align=$align: expect keep ns $(printf '0x%x+0x%x' $base $keepns)," \
    "dax ns $(printf '0x%x-0x%x' $daxns $((daxend - 1))), kmem $expect_kmem, lost $expect_lost"
  tr_require_binary
  tb_setup
  tb_build_initrd
  local ram=$TB_RAMDIR/ram want log=$TB_WORK/ours.log want_guest
  want_guest=$(tb_pattern_sha256 141 $TB_GUEST_HASH)   # the guest hashes the first TB_GUEST_HASH bytes
  tb_ramfile_create "$ram"
  want=$(tb_write_pattern "$ram" $base 141 $keep)

  local strategy=${TR_STRATEGY:-ramdax}
  tb_boot "$log" "pmemreclaim=$strategy pmemreclaim.keep=$2M test.kept=/dev/pmem0:$TB_GUEST_HASH" "$ram" \
    || tb_die "boot with pmemreclaim=$strategy"
  [ "$strategy" = auto ] && tb_assert_true "auto chose ramdax (legacy would online nothing with this keep)" \
    tr_dmesg_has "$log" "pmemreclaim: auto: ramdax"
  TR_OURS_WALL=$TB_WALL
  < "$log" grep -E '^@@nd_(region|namespace|dax_align)' | sed 's/^/    /' || true
  tb_section "$log" dmesg | grep -E 'pmemreclaim:|kmem|ramdax|Oops|BUG|misaligned' | sed 's/^/    /' || true
  tb_assert_no_oops "pmemreclaim" "$log"
  tb_assert_eq "block size" 0x8000000 "$(tb_report "$log" block_size)"
  tb_assert_true "pmemreclaim bound the carve to ramdax" tr_dmesg_has "$log" "$(printf '%x' $base).pmem: bound to ramdax"
  tb_assert_eq "carve bytes (nd region)" "$carve" "$(tb_carve_bytes "$log")"
  # the dax seed (unclaimed) has the kernel's default align; the devdax pmemreclaim made has the page size
  tb_assert_true "the kernel's dax align (an nd_dax seed with align=$kalign)" \
    grep -q "^@@nd_dax_align [^ ]* align=$kalign " "$log"
  local ours; ours=$(< "$log" sed -n 's/^@@nd_dax_uuid [^ ]* \([^ ]*\) namespace.*/\1/p' | head -1)
  tb_assert_eq "pmemreclaim's devdax has the page size as its align" "$(tb_page_size)" \
    "$(< "$log" sed -n "s/^@@nd_dax_align $ours align=\([0-9]*\) .*/\1/p")"
  tb_assert_eq "kmem bytes" "$expect_kmem" "$(tb_kmem_bytes "$log")"
  tb_assert_eq "bytes lost (info block + label area)" "$expect_lost" "$(tr_lost "$log" $keep)"
  local nsk nsd
  nsk=$(< "$log" sed -n 's/^@@nd_namespace \([^ ]*\) name=pmemreclaim-keep .* size=\([0-9]*\)$/\1 \2/p')
  nsd=$(< "$log" sed -n 's/^@@nd_namespace \([^ ]*\) name=pmemreclaim-dax .* size=\([0-9]*\)$/\1 \2/p')
  tb_assert_eq "kept namespace size" "$keepns" "${nsk#* }"
  tb_assert_eq "devdax namespace size" "$((usable - keepns))" "${nsd#* }"
  local iomem; iomem=$(tb_section "$log" iomem)
  tb_assert_eq "kept namespace in /proc/iomem" "$(printf '%x-%x' $base $((base + keepns - 1)))" \
    "$(sed -n "s/^ *\([0-9a-f]*-[0-9a-f]*\) : ${nsk% *}\$/\1/p" <<<"$iomem")"
  local dstart
  dstart=$(sed -n "s/^ *\([0-9a-f]*\)-[0-9a-f]* : ${nsd% *}\$/\1/p" <<<"$iomem")
  tb_assert_eq "devdax namespace start in /proc/iomem" "$(printf '%x' $daxns)" "$dstart"
  tb_assert_eq "devdax namespace start modulo the dax align ($1 MiB)" 0 $(( 16#${dstart:-1} % align ))
  tb_assert_eq "devdax data in /proc/iomem" "$(printf '%x-%x' $data $((daxend - 1)))" \
    "$(sed -n 's/^ *\([0-9a-f]*-[0-9a-f]*\) : dax[0-9]*\.[0-9]*$/\1/p' <<<"$iomem" | head -1)"
  tb_assert_eq "kept bytes in the guest (/dev/pmem0, first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$log" sha256 2)"
  tb_assert_eq "kept bytes in the RAM file after poweroff" "$want" "$(tb_read_sha256 "$ram" $base $keep)"

  # the standard tools on the same ramdax carve, same VM, a fresh RAM file with the same pattern
  local nlog=$TB_WORK/ndctl.log nram=$TB_RAMDIR/ram-ndctl
  tb_ramfile_create "$nram"
  tb_write_pattern "$nram" $base 141 $keep >/dev/null
  tb_boot "$nlog" "test.auto_online=offline test.run=ramdax-ndctl test.rd_keep=$keep test.rd_align=${kalign_mib}M \
test.kept=/dev/pmem0:$TB_GUEST_HASH" "$nram" || true
  TR_NDCTL_WALL=$TB_WALL
  TR_NDCTL_KMEM=$(tb_kmem_bytes "$nlog")
  tb_section "$nlog" ndctl | grep -vE '^ *[{}]|^ *"(uuid|raw_uuid|sector_size|blockdev|chardev|numa_node|target_node|mode|map|size|dev|name|align)"' \
    | sed 's/^/    ndctl| /' || true
  < "$nlog" grep -E '^@@(rd_bound|region_align|dax_resource|nd_namespace)' | sed 's/^/    /' || true
  tb_assert_no_oops "ndctl path" "$nlog"
  tb_assert_eq "ndctl rc" 0 "$(tb_report "$nlog" ndctl_rc)"
  tb_assert_eq "daxctl rc" 0 "$(tb_report "$nlog" daxctl_rc)"
  tb_assert_eq "ndctl path: kept bytes in the guest (first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$nlog" sha256 2)"
  tb_assert_eq "ndctl path: kept bytes in the RAM file after poweroff" "$want" "$(tb_read_sha256 "$nram" $base $keep)"
  tb_assert_ge "pmemreclaim onlines at least what ndctl+daxctl does" "${TR_NDCTL_KMEM:-0}" "$(tb_kmem_bytes "$log")"
  tr_compare "arm64 ${1}M-align ramdax carve $TB_PMEM keep=$keep" "$log" $keep "$nlog"
  tb_log "wall: pmemreclaim boot ${TR_OURS_WALL}s, ndctl boot ${TR_NDCTL_WALL}s"
}

# tr_use_arm64_binary: the static aarch64 pmemreclaim: PMEMRECLAIM_ARM64_BINARY, else the one
# tests/build.sh makes; a missing binary fails the test (it must not pass by skipping). The x86 one stays
# reachable as PMEMRECLAIM_HOST_BINARY: initrd/build.sh asks a binary that runs here for the module list.
tr_use_arm64_binary() {
  export PMEMRECLAIM_HOST_BINARY=${PMEMRECLAIM_HOST_BINARY:-${PMEMRECLAIM_BINARY:-}}
  PMEMRECLAIM_BINARY=${PMEMRECLAIM_ARM64_BINARY:-$TB_ROOT/build/aarch64-linux-musl/pmemreclaim}
  export PMEMRECLAIM_BINARY
  [ -f "$PMEMRECLAIM_BINARY" ] || tb_die "no static aarch64 pmemreclaim (tests/build.sh makes build/aarch64-linux-musl/pmemreclaim)"
}

# tr_arm64_below_block_scenario BLOCK_HEX [BLOCKS_ONLINE [PAGE_SIZE]]: the arm64 carve of TB_PMEM =
# 0x1bfe00000:0x80200000 (2 GiB + 2 MiB, 2 MiB below the block boundary 0x1c0000000), pmemreclaim=legacy,
# nothing kept, booted twice on one RAM file. Each boot: no Oops on the console, /init as PID 1, the memory
# block size BLOCK_HEX, the whole 2 GiB from the block boundary onlined as kmem, 2 MiB lost, the devdax data
# starting at 0x1c0000000 in /proc/iomem (and, when given, BLOCKS_ONLINE memory blocks online). The first:
# powered off, a devdax uuid (and, when given, PAGE_SIZE as the dax seed's supported alignment); the second,
# after a first without an Oops: the same uuid (the layout reused, no new info block).
tr_arm64_below_block_scenario() {
  local block=$1 blocks_online=${2:-} page=${3:-} carve=$((0x80200000)) log uuid
  no_oops() { [ -z "$(tb_oopses "$1")" ]; }
  check() {  # check LOG WHAT
    local log=$1 what=$2
    < "$log" grep -E '^@@(kver|nd_(region|dax_align|dax_uuid|namespace))' | sed 's/^/    /' || true
    tb_section "$log" dmesg | grep -E 'pmemreclaim:|kmem|dax' | sed 's/^/    /' || true
    tb_assert_no_oops "$what" "$log"
    tb_assert_eq "$what: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
    tb_assert_eq "$what: block size" "$block" "$(tb_report "$log" block_size)"
    tb_assert_eq "$what: carve bytes (nd region)" "$carve" "$(tb_carve_bytes "$log")"
    tb_assert_eq "$what: kmem bytes (all of it from the block boundary)" $((2 * GiB)) "$(tb_kmem_bytes "$log")"
    tb_assert_eq "$what: bytes lost" $((2 * MiB)) "$(tr_lost "$log")"
    tb_assert_eq "$what: devdax data starts on the block boundary (/proc/iomem)" 1c0000000 \
      "$(tb_section "$log" iomem | sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : dax[0-9]*\.[0-9]*$/\1/p' | head -1)"
    [ -z "$blocks_online" ] || tb_assert_eq "$what: memory blocks online (boot RAM + the carve's)" "$blocks_online" \
      "$(tb_report "$log" blocks_online)"
  }
  # one boot on the RAM file; true when the report is complete (the test init got to the end of it: after
  # an Oops it may never power off, and the boot then ends at TB_TIMEOUT)
  boot() {
    tb_boot "$1" "pmemreclaim=legacy pmemreclaim.timeout=30" "$TB_RAMDIR/ram" && return 0
    grep -q '^@@done' "$1"
  }
  tb_ramfile_create "$TB_RAMDIR/ram"
  log=$TB_WORK/first.log
  if boot "$log"; then
    check "$log" "first boot"
    tb_assert_eq "first boot: powered off" 0 "$TB_RC"
    [ -z "$page" ] || tb_assert_eq "first boot: page size (nd dax seed alignments)" "$page" \
      "$(< "$log" sed -n 's/^@@nd_dax_align [^ ]* align=[0-9]* supported=\([0-9]*\).*/\1/p' | head -1)"
    uuid=$(tb_report "$log" nd_dax_uuid 1)
    tb_assert_true "first boot: the devdax has a uuid ($uuid)" [ -n "$uuid" ]
    tb_log "nd dax align and supported alignments: $(< "$log" grep '^@@nd_dax_align' | tr '\n' ' ')"
  else
    tb_assert_no_oops "first boot" "$log"
    tb_fail "first boot: did not reach the end of the report"
  fi
  if ! no_oops "$log"; then
    < "$log" grep -E -A12 'Unable to handle kernel|kernel BUG' | head -16 | sed 's/^/    console| /' || true
    < "$log" grep -E -A8 'Call trace:' | head -10 | sed 's/^/    console| /' || true
    tb_fail "second boot skipped: the first one Oopsed"
    return 0
  fi
  log=$TB_WORK/second.log
  if boot "$log"; then
    check "$log" "second boot"
    tb_assert_eq "second boot: powered off" 0 "$TB_RC"
    tb_assert_eq "second boot: the same devdax (nd_dax uuid)" "$uuid" "$(tb_report "$log" nd_dax_uuid 1)"
  else
    tb_fail "second boot: did not reach the end of the report"
  fi
}
