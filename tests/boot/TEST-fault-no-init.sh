#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# No init to hand off to (issue 21, point 8), Linux 7.2: the image is initrd/build.sh --overlay alone
# (usr/sbin/pmemreclaim and its modules: no /init, no /sbin/init), rdinit=/usr/sbin/pmemreclaim,
# memmap=1G!4G pmemreclaim=legacy. PID 1 must not pause in silence: it ends, and the kernel panics as it
# does when it finds no working init. Asserted from the kernel's console: "Attempted to kill init" with
# exit code 0x100 (PID 1 called exit(1): not a signal, not a crash), and QEMU ended by itself (panic=-1,
# -no-reboot) well within the timeout.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
export TB_MEM=${TB_MEM:-4G}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
TB_INITRD=$TB_WORK/overlay.cpio.gz
"$TB_ROOT/initrd/build.sh" --overlay --kernel "$TB_KDIR" --binary "$PMEMRECLAIM_BINARY" --out "$TB_INITRD" 2>&1 \
  | sed "s/^/[$TB_NAME] /"
tb_assert_true "the image has no /init and no /sbin/init" \
  bash -c "! zcat '$TB_INITRD' | cpio -t --quiet | grep -qxE '(\\./)?(init|sbin/init)'"
log=$TB_WORK/no-init.log
TB_TIMEOUT=120
tb_boot "$log" "memmap=1G!4G pmemreclaim=legacy rdinit=/usr/sbin/pmemreclaim" || true
tb_assert_eq "QEMU ended by itself (exit status; 124 is the timeout)" 0 "$TB_RC"
tb_assert_true "the guest ran for less than 60 s (no pause)" awk -v w="$TB_WALL" 'BEGIN{exit !(w < 60)}'
tb_assert_eq "the kernel's panic: PID 1 exited with status 1" \
  "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100" \
  "$(< "$log" grep -o 'Kernel panic - not syncing: Attempted to kill init! exitcode=0x[0-9a-f]*' | head -1)"
tb_finish
