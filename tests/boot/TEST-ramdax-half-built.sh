#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Linux 7.2, ramdax: a layout left half-built is completed on the next boot, not given up. Boot 1:
# memmap=2G!4G pmemreclaim=ramdax pmemreclaim.keep=126M makes the kept and devdax namespaces and onlines
# 1792 MiB; then (test.run=half-built) the memory is released and the devdax namespace destroyed, as if the
# worker had been stopped between the two namespaces. Boot 2, on the same guest RAM (the labels live in the
# carve's last 128 KiB): pmemreclaim finds its kept namespace (same uuid: its mark), makes the devdax one
# and onlines 1792 MiB again; the kept bytes are identical in the guest and in the RAM file throughout.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
kept=$((126 * MiB))
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 31 $kept)
want_guest=$(tb_pattern_sha256 31 $TB_GUEST_HASH)
opts="memmap=2G!4G pmemreclaim=ramdax pmemreclaim.keep=126M test.kept=/dev/pmem0:$TB_GUEST_HASH"
keep_uuid() { < "$1" sed -n 's/^@@nd_namespace [^ ]* name=pmemreclaim-keep uuid=\([^ ]*\) .*/\1/p'; }

tb_boot "$TB_WORK/first.log" "$opts test.run=half-built" || tb_die "first boot"
log=$TB_WORK/first.log
tb_assert_eq "boot 1: kmem bytes before the layout is cut" 1879048192 "$(tb_report "$log" half_built_kmem_before)"
tb_assert_eq "boot 1: release gave the memory back" 0 "$(tb_report "$log" half_built_kmem_lines)"
tb_assert_eq "boot 1: only the kept namespace is left" "name=pmemreclaim-keep" \
  "$(tb_report "$log" half_built_ns 2)"
tb_assert_eq "boot 1: one namespace left" 1 "$(< "$log" grep -c '^@@half_built_ns ')"
uuid1=$(keep_uuid "$log")
tb_assert_true "boot 1: the kept namespace has a uuid" [ -n "$uuid1" ]
tb_assert_eq "boot 1: kept bytes in the guest" "$want_guest" "$(tb_report "$log" sha256 2)"

tb_boot "$TB_WORK/second.log" "$opts" || tb_die "second boot"
log=$TB_WORK/second.log
tb_section "$log" dmesg | grep -E 'pmemreclaim:' | sed 's/^/    /' || true
tb_assert_eq "boot 2: kmem bytes (completed)" 1879048192 "$(tb_kmem_bytes "$log")"
tb_assert_eq "boot 2: the same kept namespace (uuid)" "$uuid1" "$(keep_uuid "$log")"
tb_assert_eq "boot 2: a devdax namespace again" 1 \
  "$(< "$log" grep -c '^@@nd_namespace [^ ]* name=pmemreclaim-dax ')"
tb_assert_eq "boot 2: kept bytes in the guest" "$want_guest" "$(tb_report "$log" sha256 2)"
tb_assert_eq "kept bytes in the RAM file after both boots" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $kept)"
tb_assert_no_oops "boot 2" "$log"
tb_finish
