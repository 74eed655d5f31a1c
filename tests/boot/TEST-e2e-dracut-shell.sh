#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end, dracut without systemd: a Debian dracut initramfs (initrd/dracut.sh --flow shell) with the
# pmemreclaim dracut module (cmdline hook 00: `pmemreclaim boot` before udev), an ext4 root on
# virtio-blk whose /sbin/init reports. memmap=126M!4G memmap=1922M!0x107E00000 pmemreclaim=legacy
# pmemreclaim.keep=126M: the real init is reached, 1920 MiB onlined, the kept 126 MiB identical in the
# guest and in the RAM file; pmemreclaim=bogus: the real init is reached, nothing onlined, bytes intact.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/e2e.sh"
tr_require_binary
tb_setup
e2e_rootfs "$TB_WORK/root.img"
TB_INITRD=$TB_WORK/dracut-shell.img
e2e_dracut "$TB_INITRD" shell "$PMEMRECLAIM_BINARY"
e2e_scenario dracut-shell --no-rdinit
tb_finish
