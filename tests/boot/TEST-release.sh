#!/bin/bash
# pmemreclaim release (shutdown / kexec path): boot and reclaim memmap=2G!4G (15 blocks), then in the
# running system `pmemreclaim release` offlines and removes those blocks (dax0.0 back in devdax mode)
# and new data is written where kmem memory was. The guest kernel must report no kmem memory and
# MemTotal back to the carve-less size; the new data must be in guest RAM after poweroff; and the next
# boot on the same RAM reclaims again (reusing the devdax).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
head -c $((64 * MiB)) /dev/zero | openssl enc -aes-128-ctr -K 0123456789abcdef0123456789abcdef -iv 0 -nosalt \
  > "$TB_WORK/pattern" 2>/dev/null
want=$(sha256sum < "$TB_WORK/pattern" | cut -d' ' -f1)
TB_INITRD=$TB_WORK/test.cpio.gz
"$TB_ROOT/initrd/build.sh" --test --kernel "$TB_KDIR" --binary "$PMEMRECLAIM_BINARY" \
  --extra "$TB_WORK/pattern:/test/pattern" --out "$TB_INITRD" 2>&1 | sed "s/^/[$TB_NAME] /"
tb_ramfile_create "$TB_WORK/ram"
tb_boot "$TB_WORK/release.log" "memmap=2G!4G pmemreclaim=legacy test.run=release" || tb_die "boot"
log=$TB_WORK/release.log
tr -d '\r' < "$log" | grep '^@@release_log' | sed "s/^/[$TB_NAME]   /" || true
tb_assert_eq "release exit status" 0 "$(tb_report "$log" release_rc)"
tb_assert_eq "no System RAM (kmem) left" 0 "$(tb_report "$log" release_kmem_lines)"
mt_on=$(( $(tb_report "$log" memtotal_kb_at_init) * 1024 ))
mt_off=$(( $(tb_report "$log" release_memtotal_kb) * 1024 ))
tb_assert_eq "MemTotal drops by the 1920 MiB released" $((1920 * MiB)) $((mt_on - mt_off))
tb_assert_eq "new data written to the released device" /dev/dax0.0 "$(tb_report "$log" release_wrote)"
tb_assert_eq "new data in guest RAM after poweroff (devdax data starts at 4G + 2M)" "$want" \
  "$(tb_read_sha256 "$TB_WORK/ram" $((4 * GiB + 2 * MiB)) $((64 * MiB)))"
tb_boot "$TB_WORK/next.log" "memmap=2G!4G pmemreclaim=legacy" || tb_die "next boot"
tb_assert_eq "next boot reclaims again" $((1920 * MiB)) "$(tb_kmem_bytes "$TB_WORK/next.log")"
tb_assert_true "next boot reuses the devdax" tr_dmesg_has "$TB_WORK/next.log" "reused devdax"
tb_finish
