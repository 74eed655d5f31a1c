#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Nothing in a crash capture kernel (issue 21, point 7), Linux 7.2: memmap=126M!4G memmap=1922M!0x107E00000
# pmemreclaim=legacy keep=126M crashkernel=384M. The first kernel reclaims as usual (1920 MiB onlined), loads
# itself and this image as the capture kernel (`kexec -s -p`, the same command line: the carves and
# pmemreclaim= come along, as kdump-tools builds it from /proc/cmdline) and crashes (sysrq c). (Filling the
# onlined blocks first, to make the point visible, took a minute of TCG and changes no assertion.) The capture kernel sees the carves again, over memory the
# crashed kernel was using. Asserted from the capture kernel: /proc/vmcore is there, no System RAM (kmem),
# no dax device, pmemreclaim's record says it stood aside; and from the RAM file after poweroff: the kept
# bytes are the pattern written before the first boot.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tr_build_kexec_initrd
kept=$((126 * MiB))
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 5 $kept)
TB_TIMEOUT=${TB_TIMEOUT_KEXEC:-600}
tb_boot "$TB_WORK/chain.log" "memmap=126M!4G memmap=1922M!0x107E00000 crashkernel=384M pmemreclaim=legacy \
pmemreclaim.keep=126M test.kdump=1" || true
boots=$(tr_split_cycles "$TB_WORK/chain.log" "$TB_WORK/boots")
tb_assert_eq "boots (the first kernel, then the capture kernel)" 2 "$boots"
first=$TB_WORK/boots/boot0.log capture=$TB_WORK/boots/boot1.log
tb_assert_eq "first kernel: kmem bytes" $((1920 * MiB)) "$(tb_kmem_bytes "$first")"
tb_assert_eq "first kernel: capture kernel loaded" 1 "$(tb_report "$first" kdump_loaded)"
if [ -s "$capture" ]; then
  tb_assert_eq "capture kernel: /proc/vmcore" yes "$(tb_report "$capture" vmcore)"
  tb_assert_true "capture kernel: the carves are there again (memmap= came along)" \
    [ "$(tb_carve_bytes "$capture")" -eq $((2 * GiB)) ]
  tb_assert_eq "capture kernel: kmem bytes" 0 "$(tb_kmem_bytes "$capture")"
  tb_assert_eq "capture kernel: dax devices at /init" "" "$(tb_report "$capture" devs_at_init | tr ',' '\n' | grep '^dax' || true)"
  state=$(tb_report "$capture" state_json)
  tb_assert_eq "capture kernel: record ok" false "$(jq -r .ok <<<"$state")"
  tb_assert_eq "capture kernel: record error" "capture kernel" "$(jq -r .error <<<"$state")"
  tb_assert_eq "capture kernel: record carves" 0 "$(jq '.carves | length' <<<"$state")"
else
  tb_fail "the capture kernel did not report (no second @@init_start)"
fi
tb_assert_eq "kept bytes in the RAM file after the capture kernel's poweroff" "$want" \
  "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $kept)"
tb_finish
