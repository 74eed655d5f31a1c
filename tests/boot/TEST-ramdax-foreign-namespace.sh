#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Linux 7.2: a namespace pmemreclaim did not make ("foreign", 512 MiB, made by ndctl in a first boot)
# sits in the ramdax label area. pmemreclaim=ramdax must leave it as it is: same uuid and size
# afterwards, nothing onlined, its bytes unchanged, and a line saying why.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
memmap='memmap=2G!4G'
tb_boot "$TB_WORK/make.log" "$memmap test.run=foreign-namespace" || tb_die "first boot (making the namespace)"
before=$(tb_report "$TB_WORK/make.log" nd_namespace)
tb_assert_true "a foreign namespace exists ($before)" grep -q "name=foreign" <<<"$before"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB + 64 * MiB)) 6 $MiB)
tb_boot "$TB_WORK/ours.log" "$memmap pmemreclaim=ramdax" || tb_die "boot with pmemreclaim"
log=$TB_WORK/ours.log
tb_assert_eq "the same namespace afterwards" "$before" "$(tb_report "$log" nd_namespace)"
tb_assert_eq "kmem bytes" 0 "$(tb_kmem_bytes "$log")"
tb_assert_eq "the record: region left, and why" "leave foreign-namespace" \
  "$(tb_record "$log" '.carves[0].regions[0] | "\(.action) \(.reason)"')"
tb_assert_eq "bytes inside the foreign namespace" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB + 64 * MiB)) $MiB)"
tb_finish
