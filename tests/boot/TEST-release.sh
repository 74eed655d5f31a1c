#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmemreclaim release, the kexec path: boot and reclaim memmap=2G!4G (15 blocks); fill 1.5 GiB of memory;
# `pmemreclaim release` offlines and removes the onlined blocks while the fill is there (movable pages
# migrate) and dax0.0 goes back to devdax; new data is written into the released device; then
# `kexec -s` into the same kernel. The guest kernel must report no kmem memory and MemTotal down by the
# released bytes; the next boot reclaims again, reusing the devdax; the new data is still in RAM.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# One guest CPU: a kexec'd 7.2 kernel with two TCG vCPUs was seen to hang for good at its clocksource
# switch ("Switched to clocksource tsc-early", a stop_machine across CPUs), before any user space ran.
TB_SMP=${TB_SMP:-1}
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
head -c $((64 * MiB)) /dev/zero | openssl enc -aes-128-ctr -K 0123456789abcdef0123456789abcdef -iv 0 -nosalt \
  > "$TB_WORK/pattern" 2>/dev/null
want=$(sha256sum < "$TB_WORK/pattern" | cut -d' ' -f1)
# device-dax takes data only through mmap: a small static writer, built with the project's toolchain
"$TB_ROOT/.cache/toolchain/bin/x86_64-linux-musl-cc" -O2 -static -o "$TB_WORK/daxwrite" \
  "$TB_ROOT/tests/boot/guest/daxwrite.c" || tb_die "cannot build daxwrite (run tests/build.sh first)"
tb_build_initrd --extra "$TB_WORK/pattern:/test/pattern" --extra "$TB_KDIR/vmlinuz:/boot/vmlinuz" \
  --extra "$TB_WORK/daxwrite:/test/daxwrite"
tb_ramfile_create "$TB_RAMDIR/ram"
tb_boot "$TB_WORK/chain.log" "memmap=2G!4G pmemreclaim=legacy test.run=release test.kexec=1" || true
boots=$(tr_split_cycles "$TB_WORK/chain.log" "$TB_WORK/boots")
tb_assert_eq "boots (1 + kexec -s)" 2 "$boots"
log=$TB_WORK/boots/boot0.log
< "$log" grep '^@@release_log' | sed "s/^/[$TB_NAME]   /" || true
tb_assert_ge "MiB filled during release" 1536 "$(tb_report "$log" release_filled_mb)"
tb_assert_eq "release exit status" 0 "$(tb_report "$log" release_rc)"
tb_assert_eq "no System RAM (kmem) left after release" 0 "$(tb_report "$log" release_kmem_lines)"
mt_on=$(( $(tb_report "$log" memtotal_kb_at_init) * 1024 ))
mt_off=$(( $(tb_report "$log" release_memtotal_kb) * 1024 ))
tb_assert_eq "MemTotal drops by the 1920 MiB released" $((1920 * MiB)) $((mt_on - mt_off))
tb_assert_eq "new data written to the released device" /dev/dax0.0 "$(tb_report "$log" release_wrote)"
next=$TB_WORK/boots/boot1.log
tb_assert_eq "after kexec -s: reclaimed again" $((1920 * MiB)) "$(tb_kmem_bytes "$next")"
tb_assert_eq "after kexec -s: the devdax is reused (the record)" reuse-devdax \
  "$(tb_record "$next" '[.carves[].regions[].action] | join(",")')"
# The first 126 MiB of the devdax data (4G + 2M .. 4G + 128M) are below the first block boundary: the
# next boot does not online them, so the data written after release is still there at the end.
tb_assert_eq "new data in guest RAM after the last poweroff" "$want" \
  "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB + 2 * MiB)) $((64 * MiB)))"
tb_finish
