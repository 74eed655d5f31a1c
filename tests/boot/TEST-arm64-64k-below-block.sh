#!/bin/bash
# arm64, 64K pages (sid-arm64-64k: built from Debian sid's linux-source by qemu/kernel-build.sh; QEMU virt
# -cpu max, TCG, NUMA node 0): 512 MiB memory blocks, 512 MiB PMD. One device-tree pmem-region carve of
# 2 GiB + 2 MiB starting 2 MiB below the 512 MiB block boundary 0x1c0000000 (0x1bfe00000, size 0x80200000;
# 8 GiB guest: RAM 0x40000000-0x23fffffff, mem=6142M so that the kernel's RAM ends where the carve starts
# and the carve ends with the guest's RAM), pmemreclaim=legacy, nothing kept. Its devdax has the page size
# (64 KiB) as its align, the info block takes 2 MiB (memremap_compat_align) and the data starts on the block
# boundary: the whole 2 GiB (4 blocks) onlined, 2 MiB lost, no Oops anywhere on the console. A second boot
# on the same RAM file reuses that layout: the same kmem bytes, the same nd_dax uuid (no new info block).
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64-64k}
export TB_PMEM=0x1bfe00000:$((0x80200000)) TB_MEM_LIMIT=${TB_MEM_LIMIT:-6142M} TB_NUMA=1
# a boot that Oopses may never get to poweroff; a good one takes well under a minute
TB_TIMEOUT=${TB_TIMEOUT:-120}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_use_arm64_binary
tb_setup
tb_build_initrd
carve=$((0x80200000))
oops='Internal error|Unable to handle kernel|kernel BUG|Oops'
no_oops() { ! tr -d '\r' < "$1" | grep -qE "$oops"; }

check() {  # check LOG WHAT
  local log=$1 what=$2
  tr -d '\r' < "$log" | grep -E '^@@(kver|nd_(region|dax_align|dax_uuid|namespace))' | sed 's/^/    /' || true
  tb_section "$log" dmesg | grep -E 'pmemreclaim:|kmem|dax' | sed 's/^/    /' || true
  tr -d '\r' < "$log" | grep -E "$oops" | head -5 | sed 's/^/    console| /' || true
  tb_assert_true "$what: no Oops/BUG on the console" no_oops "$log"
  tb_assert_eq "$what: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
  tb_assert_eq "$what: block size (512 MiB)" 0x20000000 "$(tb_report "$log" block_size)"
  tb_assert_eq "$what: carve bytes (nd region)" "$carve" "$(tb_carve_bytes "$log")"
  tb_assert_eq "$what: kmem bytes (all of it from the block boundary)" $((2 * GiB)) "$(tb_kmem_bytes "$log")"
  tb_assert_eq "$what: bytes lost" $((2 * MiB)) "$(tr_lost "$log")"
  tb_assert_eq "$what: devdax data starts on the block boundary (/proc/iomem)" 1c0000000 \
    "$(tb_section "$log" iomem | sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : dax[0-9]*\.[0-9]*$/\1/p' | head -1)"
  # the kernel's RAM 0x40000000-0x1bfdfffff spans blocks 2..13 (12), the carve's data blocks 14..17 (4)
  tb_assert_eq "$what: memory blocks online (12 of boot RAM + 4 x 512 MiB of the carve)" 16 \
    "$(tb_report "$log" blocks_online)"
}

# boot LOG: one boot on the RAM file; true when the report is complete (the test init got to the end of
# it: after an Oops it may never power off, and the boot then ends at TB_TIMEOUT)
boot() {
  tb_boot "$1" "pmemreclaim=legacy pmemreclaim.timeout=30" "$TB_WORK/ram" && return 0
  grep -q '^@@done' <(tr -d '\r' < "$1")
}

tb_ramfile_create "$TB_WORK/ram"
log=$TB_WORK/first.log
if boot "$log"; then
  check "$log" "first boot"
  tb_assert_eq "first boot: powered off" 0 "$TB_RC"
  tb_assert_eq "first boot: page size 64 KiB (nd dax seed alignments)" 65536 \
    "$(tr -d '\r' < "$log" | sed -n 's/^@@nd_dax_align [^ ]* align=[0-9]* supported=\([0-9]*\).*/\1/p' | head -1)"
  uuid=$(tb_report "$log" nd_dax_uuid 1)
  tb_assert_true "first boot: the devdax has a uuid ($uuid)" [ -n "$uuid" ]
  tb_log "nd dax align and supported alignments: $(tr -d '\r' < "$log" | grep '^@@nd_dax_align' | tr '\n' ' ')"
else
  tb_assert_true "first boot: no Oops/BUG on the console" no_oops "$log"
  tb_fail "first boot: did not reach the end of the report"
fi
if ! no_oops "$log"; then
  tr -d '\r' < "$log" | grep -E -A12 'Unable to handle kernel|kernel BUG' | head -16 | sed 's/^/    console| /' || true
  tr -d '\r' < "$log" | grep -E -A8 'Call trace:' | head -10 | sed 's/^/    console| /' || true
  tb_fail "second boot skipped: the first one Oopsed"
else
  log=$TB_WORK/second.log
  if boot "$log"; then
    check "$log" "second boot"
    tb_assert_eq "second boot: powered off" 0 "$TB_RC"
    tb_assert_eq "second boot: the same devdax (nd_dax uuid)" "$uuid" "$(tb_report "$log" nd_dax_uuid 1)"
  else
    tb_fail "second boot: did not reach the end of the report"
  fi
fi
tb_finish
