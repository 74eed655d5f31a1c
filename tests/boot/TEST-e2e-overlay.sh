#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end, the overlay: initrd/build.sh --overlay (usr/sbin/pmemreclaim + modules in
# usr/lib/pmemreclaim/modules/<kver>/) concatenated IN FRONT of a Debian dracut initramfs built without
# the pmemreclaim module (merged /usr: sbin -> usr/sbin), rdinit=/usr/sbin/pmemreclaim, which execs the
# dracut /init afterwards. That dracut still mounts the ext4 root (its /sbin/modprobe works: ext4 is a
# module loaded on demand) and the real init is reached. Same carve and assertions as TEST-e2e-dracut-shell.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/e2e.sh"
tr_require_binary
tb_setup
e2e_rootfs "$TB_WORK/root.img"
e2e_dracut "$TB_WORK/dracut-plain.img" shell
"$TB_ROOT/initrd/build.sh" --overlay --kernel "$TB_KDIR" --binary "$PMEMRECLAIM_BINARY" \
    --out "$TB_WORK/overlay.cpio.gz" 2>&1 | sed "s/^/[$TB_NAME] /"
tb_assert_true "the overlay has no sbin/ or lib/ entry (only usr/...)" \
  bash -c "! zcat '$TB_WORK/overlay.cpio.gz' | cpio -t --quiet | grep -qvE '^usr(/|\$)'"
TB_INITRD=$TB_WORK/combined.img
cat "$TB_WORK/overlay.cpio.gz" "$TB_WORK/dracut-plain.img" > "$TB_INITRD"
e2e_scenario overlay --rdinit /usr/sbin/pmemreclaim
tb_finish
