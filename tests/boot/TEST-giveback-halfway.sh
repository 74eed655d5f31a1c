#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every way a give-back can stop halfway is finished later (issue 21, point 5), Linux 7.2: a carve
# namespace left unbound with force_raw=0 (a give-back interrupted between unbind and bind) is probed by
# the kernel again before `pmemreclaim apply` reads the carves, so it gets its driver and its /dev node
# back. memmap=1G!4G, nothing at boot (pmemreclaim=off); in the guest (guest/unbound.sh) nd_pmem binds
# namespace0.0, the test unbinds it, then `apply --strategy=legacy --keep=1G` (the whole carve: nothing
# onlined). Asserted from the guest kernel's sysfs and /dev, and the RAM file: the pattern at 4 GiB is
# intact after poweroff.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
export TB_MEM=${TB_MEM:-4G}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd

tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 9 $((64 * MiB)))
log=$TB_WORK/unbound.log
if tb_boot "$log" "memmap=1G!4G pmemreclaim=off test.run=unbound test.unbound_keep=1G"; then
  ns() { < "$log" sed -n "s/^@@unbound_ns $1 namespace0.0 //p"; }
  nodes() { < "$log" sed -n "s/^@@unbound_nodes $1 //p"; }
  tb_assert_eq "bound by nd_pmem at first" "nd_pmem force_raw=0" "$(ns bound)"
  tb_assert_eq "unbound, force_raw 0 (a give-back stopped halfway)" "none force_raw=0" "$(ns unbound)"
  tb_assert_eq "no /dev/pmem node while unbound" "" "$(nodes unbound)"
  tb_assert_eq "apply exit status" 0 "$(tb_report "$log" unbound_apply_rc)"
  tb_assert_eq "after apply: bound by nd_pmem again" "nd_pmem force_raw=0" "$(ns after)"
  tb_assert_eq "after apply: /dev/pmem0 back" "pmem0," "$(nodes after)"
  tb_assert_eq "kmem bytes (the whole carve kept)" 0 "$(tb_kmem_bytes "$log")"
fi
tb_assert_eq "the carve's first 64 MiB in the RAM file after poweroff" "$want" \
  "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $((64 * MiB)))"
tb_finish
