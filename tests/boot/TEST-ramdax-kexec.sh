#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Kept data across kexec, Linux 7.2, ramdax: memmap=0x80020000!4G (2 GiB + 128 KiB) keep=126M.
# A 126 MiB pattern is written into guest RAM before the first boot. Each boot reclaims, reports,
# fills its free memory (so the onlined blocks are used), and runs `kexec -s` into the same kernel and
# command line: 3 cycles, 4 boots. In every boot the pattern is intact, the devdax namespace is the
# same (uuid: reused, not recreated), and the same bytes are onlined (15 blocks).
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
# One guest CPU: a kexec'd 7.2 kernel with two TCG vCPUs was seen to hang for good at its clocksource
# switch ("Switched to clocksource tsc-early", a stop_machine across CPUs), before any user space ran.
TB_SMP=${TB_SMP:-1}
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tr_build_kexec_initrd
kept=$((126 * MiB))
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 3 $kept)
want_guest=$(tb_pattern_sha256 3 $TB_GUEST_HASH)
TB_TIMEOUT=${TB_TIMEOUT_KEXEC:-600}
tb_boot "$TB_WORK/chain.log" "memmap=0x80020000!4G pmemreclaim=ramdax pmemreclaim.keep=126M \
test.kept=/dev/pmem0:$TB_GUEST_HASH test.kexec=3 test.fill=1" || true
boots=$(tr_split_cycles "$TB_WORK/chain.log" "$TB_WORK/boots")
tb_assert_eq "boots in the chain (1 + 3 kexec)" 4 "$boots"
uuid0=$(tb_report "$TB_WORK/boots/boot0.log" nd_dax_uuid 1)
tb_assert_true "the devdax namespace has a uuid" [ -n "$uuid0" ]
for i in $(seq 0 $((boots - 1))); do
  b=$TB_WORK/boots/boot$i.log
  tb_assert_eq "boot $i: kmem bytes" $((1920 * MiB)) "$(tb_kmem_bytes "$b")"
  tb_assert_eq "boot $i: kept bytes (/dev/pmem0, first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$b" sha256 2)"
  tb_assert_eq "boot $i: same devdax namespace (uuid)" "$uuid0" "$(tb_report "$b" nd_dax_uuid 1)"
  if [ "$i" -lt 3 ]; then tb_assert_ge "boot $i: MiB filled before kexec" 1920 "$(tb_report "$b" filled_mb 1)"; fi
done
tb_assert_eq "kept bytes in the RAM file after the last poweroff" "$want" \
  "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $kept)"
tb_finish
