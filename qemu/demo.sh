#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: builds the static binary (tests/build.sh --static-only), then boots an 8 GiB x86_64 QEMU guest (Debian
# bookworm's 6.1 kernel, TCG) with a 2 GiB carve twice, and shows the reclaim:
#   1. memmap=126M!4G memmap=1922M!0x107E00000, no pmemreclaim= option: MemTotal before;
#   2. the same carve with pmemreclaim=legacy pmemreclaim.keep=126M: MemTotal after, pmemreclaim's
#      summary line from the guest's kernel log, and the kept 126 MiB checked against the pattern
#      written into guest RAM before the boot.
#   usage: qemu/demo.sh          (DEMO_APPEND="..." replaces the carve and options of boot 2)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PMEMRECLAIM_BINARY
PMEMRECLAIM_BINARY=$("$ROOT/tests/build.sh" --static-only)
TB_NAME=demo
. "$ROOT/tests/boot/lib.sh"
tb_setup >/dev/null
tb_build_initrd >/dev/null
carve='memmap=126M!4G memmap=1922M!0x107E00000'
kept=$((126 * MiB))
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 1 $kept)

tb_boot "$TB_WORK/before.log" "$carve test.modprobe=nd_e820,nd_pmem" >/dev/null || tb_die "first boot"
tb_boot "$TB_WORK/after.log" "${DEMO_APPEND:-$carve pmemreclaim=legacy pmemreclaim.keep=126M} test.kept=/dev/pmem0:$kept" \
  >/dev/null || tb_die "second boot"
before=$(tb_memtotal_bytes "$TB_WORK/before.log")
after=$(tb_memtotal_bytes "$TB_WORK/after.log")
echo
echo "pmemreclaim demo: 8 GiB guest, kernel $(cat "$TB_KDIR/kver"), carve: $carve"
echo "  binary:   $PMEMRECLAIM_BINARY ($(stat -c %s "$PMEMRECLAIM_BINARY") bytes, $(file -b "$PMEMRECLAIM_BINARY" | cut -d, -f1,4))"
echo "  MemTotal without pmemreclaim: $((before / 1024)) kB"
echo "  MemTotal with pmemreclaim:    $((after / 1024)) kB  (+$(( (after - before) / MiB )) MiB)"
echo "  System RAM (kmem) in /proc/iomem: $(tb_kmem_bytes "$TB_WORK/after.log") bytes"
echo "  guest kernel log:"
tb_section "$TB_WORK/after.log" dmesg | grep 'pmemreclaim:' | sed 's/^/    /'
got=$(tb_report "$TB_WORK/after.log" sha256 2)
if [ "$got" = "$want" ]; then echo "  kept 126 MiB at 4G: sha256 $got, identical to the pattern written before boot"
else echo "  kept 126 MiB at 4G: MISMATCH ($got, wanted $want)"; exit 1; fi
