#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end, dracut with systemd as the initramfs init (initrd/dracut.sh --flow systemd: the host's
# systemd and udev) and the pmemreclaim dracut module (pmemreclaim.service, before systemd-udevd); an
# ext4 root on virtio-blk whose /sbin/init reports. Same carve and assertions as TEST-e2e-dracut-shell.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/e2e.sh"
tr_require_binary
[ -x /lib/systemd/systemd ] || { echo "[$TB_NAME] SKIP: no systemd on the host for dracut to put in the image"; exit 77; }
tb_setup
e2e_rootfs "$TB_WORK/root.img"
TB_INITRD=$TB_WORK/dracut-systemd.img
e2e_dracut "$TB_INITRD" systemd "$PMEMRECLAIM_BINARY"
e2e_scenario dracut-systemd --no-rdinit
tb_finish
