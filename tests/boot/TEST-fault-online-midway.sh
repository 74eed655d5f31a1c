#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault matrix: onlining that fails midway. guest/online-midway.sh (rdinit, then pmemreclaim.init) lays
# out pmemreclaim's devdax, binds it to kmem with its 15 blocks offline and makes the kernel refuse
# memory40 [0x140000000-0x147ffffff]; pmemreclaim reuses the devdax and onlines. libdaxctl stops at the
# refused block; pmemreclaim onlines the others one by one and logs one line that names memory40.
#   Linux 7.2, a genuine refusal: a page of memory40 hardware-poisoned (hard_offline_page), which the
#     kernel does not online (EHWPOISON, Linux >= 6.2); with 126 MiB kept in the carve before it.
#   Linux 6.1 (no such refusal): memory40's state file under a read-only bind mount (EROFS).
# Either way: /init runs as PID 1, memory40 alone stays offline, 14 of 15 blocks online, the summary
# counts online blocks only (1792 MiB), and the kept bytes are identical.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
block40='memory40 [0x140000000-0x147ffffff] stays offline'

# midway_checks LOG WHAT REASON: REASON is the errno text the line gives for memory40 ("": any)
midway_checks() {
  local log=$1 what=$2
  tb_section "$log" dmesg | grep -E 'pmemreclaim:|Memory failure' | sed 's/^/    /' || true
  tb_assert_eq "$what: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
  tb_assert_eq "$what: the fault is armed" "offline" "$(tb_report "$log" midway 3 | sed 's/state=//')"
  tb_assert_eq "$what: blocks offline (the guest's memory*/state)" "memory40" "$(tb_report "$log" offline_blocks)"
  tb_assert_eq "$what: kmem bytes (15 blocks added)" $((1920 * MiB)) "$(tb_kmem_bytes "$log")"
  tb_assert_eq "$what: memory blocks offline in all" 1 "$(tb_report "$log" blocks_offline)"
  tb_assert_true "$what: one line names the block and why" tr_dmesg_has "$log" \
    "reused devdax, onlined 14 of 15 memory blocks; $block40 (online_movable: ${3:+$3)}"
  tb_assert_true "$what: the summary counts online blocks only" tr_dmesg_has "$log" \
    "onlined 1792 MiB (1879048192 bytes)"
}

# Linux 7.2: hwpoison, memmap=126M!4G memmap=1922M!0x107E00000, 126 MiB kept
TB_KERNEL_FLAVOUR=sid-amd64
tb_setup
tb_build_initrd "$TB_WORK/sid.cpio.gz"
kept=$((126 * MiB))
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 40 $kept)
want_guest=$(tb_pattern_sha256 40 $TB_GUEST_HASH)
log=$TB_WORK/hwpoison.log
tb_boot "$log" "memmap=126M!4G memmap=1922M!0x107E00000 pmemreclaim=legacy pmemreclaim.keep=126M \
rdinit=/test/online-midway.sh pmemreclaim.init=/test/online-midway.sh test.midway_ns=namespace1.0 \
test.midway_fault=hwpoison test.kept=/dev/pmem0:$TB_GUEST_HASH" || tb_die "hwpoison: did not reach /init"
# musl's strerror() has no text for EHWPOISON (133); ErrnoText names it
midway_checks "$log" "7.2 hwpoison" "Memory page has hardware error (EHWPOISON)"
tb_assert_true "7.2 hwpoison: the kernel poisoned a page of memory40" \
  eval "tb_report '$log' hwpoison | grep -q 'Memory failure: 0x144000: '"
tb_assert_true "7.2 hwpoison: the line says the kept range was not touched" tr_dmesg_has "$log" \
  "); kept range [0x100000000-0x107dfffff] not touched"
tb_assert_eq "7.2 hwpoison: kept bytes in the guest (/dev/pmem0, first $TB_GUEST_HASH)" "$want_guest" \
  "$(tb_report "$log" sha256 2)"
tb_assert_eq "7.2 hwpoison: kept bytes in the RAM file after poweroff" "$want" \
  "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $kept)"

# Linux 6.1: a read-only bind mount over memory40/state, memmap=2G!4G
TB_KERNEL_FLAVOUR=bookworm-amd64
tb_setup
tb_build_initrd "$TB_WORK/bookworm.cpio.gz"
tb_ramfile_create "$TB_RAMDIR/ram"
log=$TB_WORK/ro-state.log
tb_boot "$log" "memmap=2G!4G pmemreclaim=legacy rdinit=/test/online-midway.sh \
pmemreclaim.init=/test/online-midway.sh test.midway_fault=ro-state" || tb_die "ro-state: did not reach /init"
midway_checks "$log" "6.1 ro-state" "Read-only file system"
tb_finish
