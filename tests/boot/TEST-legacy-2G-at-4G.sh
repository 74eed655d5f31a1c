#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# memmap=2G!4G pmemreclaim=legacy on 128 MiB blocks: 1920 MiB onlined (what daxctl gets), the
# advised carve is printed, and booting that advice loses at most 2 MiB. A second boot on the same
# RAM (the carve's bytes survive, as across kexec) reuses the devdax namespace instead of recreating it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
memmap='memmap=2G!4G'

tb_boot "$TB_WORK/ours.log" "$memmap pmemreclaim=legacy" || tb_die "boot with pmemreclaim"
log=$TB_WORK/ours.log
tb_assert_eq "carve bytes" $((2 * GiB)) "$(tb_carve_bytes "$log")"
tb_assert_eq "kmem bytes (System RAM (kmem) in /proc/iomem)" $((1920 * MiB)) "$(tb_kmem_bytes "$log")"
tb_assert_eq "memory blocks left offline" 0 "$(tb_report "$log" blocks_offline)"
advice=$(tb_section "$log" dmesg | sed -n 's/.*to lose less next boot, carve: \(memmap=[^ ]*\).*/\1/p' | head -1)
tb_assert_true "advised carve printed in the kernel log ($advice)" [ -n "$advice" ]
uuid1=$(tb_report "$log" nd_dax_uuid 1)

# The same RAM again: the info block is still there, the namespace must be reused.
tb_boot "$TB_WORK/again.log" "$memmap pmemreclaim=legacy" || tb_die "second boot"
tb_assert_eq "kmem bytes on the second boot" $((1920 * MiB)) "$(tb_kmem_bytes "$TB_WORK/again.log")"
tb_assert_true "the devdax has a uuid ($uuid1)" [ -n "$uuid1" ]
tb_assert_eq "same devdax (uuid) on the second boot" "$uuid1" "$(tb_report "$TB_WORK/again.log" nd_dax_uuid 1)"

# The advice, booted: at most 2 MiB lost.
tb_ramfile_create "$TB_RAMDIR/ram-advice"
tb_boot "$TB_WORK/advice.log" "$advice pmemreclaim=legacy" "$TB_RAMDIR/ram-advice" || tb_die "boot with the advice"
alog=$TB_WORK/advice.log
tb_assert_true "advised carve loses at most 2 MiB (lost $(tr_lost "$alog"))" [ "$(tr_lost "$alog")" -le $((2 * MiB)) ]
tb_assert_ge "advised carve onlines at least as much" $((1920 * MiB)) "$(tb_kmem_bytes "$alog")"

tr_ndctl_boot "$TB_WORK/ndctl.log" "$memmap" namespace0.0
tr_compare "$memmap" "$log" 0 "$TB_WORK/ndctl.log"
tb_finish
