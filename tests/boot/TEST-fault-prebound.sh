#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault matrix: /proc, /sys and /dev already mounted and the nvdimm/dax drivers already loaded and
# bound (nd_pmem holds namespace0.0) before pmemreclaim starts; and a kernel module missing from the
# initramfs. The first still reclaims; the second leaves the carve untouched and says which module.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
tb_boot "$TB_WORK/prebound.log" "memmap=2G!4G pmemreclaim=legacy rdinit=/test/prebound.sh" \
  || tb_die "prebound: did not reach /init"
log=$TB_WORK/prebound.log
tb_assert_eq "prebound: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
tb_assert_eq "prebound: kmem bytes" $((1920 * MiB)) "$(tb_kmem_bytes "$log")"

tb_build_initrd "$TB_WORK/no-kmem.cpio.gz" --without-module kmem
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 16 $MiB)
tb_boot "$TB_WORK/no-kmem.log" "memmap=2G!4G pmemreclaim=legacy" || tb_die "no kmem: did not reach /init"
log=$TB_WORK/no-kmem.log
tb_assert_eq "no kmem: the record names the module" "false true" \
  "$(tb_record "$log" '"\(.ok) \(.error | startswith("cannot load kernel module kmem"))"')"
tb_assert_eq "no kmem: kmem bytes" 0 "$(tb_kmem_bytes "$log")"
tb_assert_eq "no kmem: carve bytes unchanged (no info block)" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $MiB)"
tb_finish
