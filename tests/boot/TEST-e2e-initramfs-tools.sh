#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end, initramfs-tools (Debian's and Ubuntu's default generator): a Debian 12 image made by Debian's
# mkinitramfs (initrd/mkinitramfs.sh: a cached bookworm root with initramfs-tools, MODULES=most) with
# pmemreclaim installed as a package would (initrd/initramfs-tools/hooks/pmemreclaim and
# scripts/init-top/pmemreclaim: `pmemreclaim boot` before udev's init-top script starts systemd-udevd),
# booted with its own /init (no rdinit=) to an ext4 root on virtio-blk whose /sbin/init reports.
# The image: the binary, the modules of `pmemreclaim modules` this kernel has (also with MODULES=list: the
# hook alone brings them), the udev rule, and init-top's ORDER running pmemreclaim before udev.
# Boots (e2e_scenario): memmap=126M!4G memmap=1922M!0x107E00000 pmemreclaim=legacy pmemreclaim.keep=126M:
# the real init is reached, 1920 MiB onlined, the kept 126 MiB identical in the guest and in the RAM file,
# the handoff record on the real root's /run (initramfs-tools' /init mounts /run before init-top and moves
# it onto the root); pmemreclaim=bogus: the real init is reached, nothing onlined, bytes intact.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/e2e.sh"
tr_require_binary
tb_setup
KVER=$(cat "$TB_KDIR/kver")

# ---- the images ----
TB_INITRD=$TB_WORK/initramfs-tools.img
e2e_mkinitramfs "$TB_INITRD" --pmemreclaim "$PMEMRECLAIM_BINARY"
tree=$TB_INITRD.tree
tb_assert_true "the image's /usr/sbin/pmemreclaim is the binary" cmp -s "$PMEMRECLAIM_BINARY" "$tree/usr/sbin/pmemreclaim"
tb_assert_true "the image has scripts/init-top/pmemreclaim" test -x "$tree/scripts/init-top/pmemreclaim"
tb_assert_true "the image has the udev rule 60-pmemreclaim.rules" test -f "$tree/usr/lib/udev/rules.d/60-pmemreclaim.rules"
order=$(sed -n 's|^/scripts/init-top/\([^ ]*\) .*|\1|p' "$tree/scripts/init-top/ORDER")
tb_log "init-top ORDER: $(echo $order)"
nth() { echo "$order" | grep -nx "$1" | cut -d: -f1; }
tb_assert_true "init-top ORDER: pmemreclaim ($(nth pmemreclaim)) runs before udev ($(nth udev))" \
  test -n "$(nth pmemreclaim)" -a -n "$(nth udev)" -a "$(nth pmemreclaim)0" -lt "$(nth udev)0"
# modules: each one the binary lists that this kernel has as a module is in the image with modules.dep
mods_in_image() { find "$1/usr/lib/modules/$KVER" -name '*.ko*' | sed 's|.*/||; s|\.ko.*||' | sort -u; }
want_mods=$(for m in $("$PMEMRECLAIM_BINARY" modules); do
  f=$(modinfo -b "$TB_KDIR" -k "$KVER" -F filename "$m" 2>/dev/null) || continue
  case "$f" in /*) echo "$m" ;; esac
done | sort -u)
tb_log "modules of 'pmemreclaim modules' this kernel has: $(echo $want_mods)"
check_mods() {  # check_mods TREE WHAT
  local have missing
  have=$(mods_in_image "$1")
  missing=$(comm -23 <(echo "$want_mods") <(echo "$have") | tr '\n' ' ')
  tb_assert_eq "$2: modules of 'pmemreclaim modules' missing from the image" "" "$missing"
  tb_assert_true "$2: modules.dep lists kmem" grep -q 'kmem\.ko' "$1/usr/lib/modules/$KVER/modules.dep"
}
check_mods "$tree" "MODULES=most"
e2e_mkinitramfs "$TB_WORK/initramfs-tools-list.img" --pmemreclaim "$PMEMRECLAIM_BINARY" --modules list
check_mods "$TB_WORK/initramfs-tools-list.img.tree" "MODULES=list (only the hook adds them)"
tb_log "MODULES=list image: $(mods_in_image "$TB_WORK/initramfs-tools-list.img.tree" | tr '\n' ' ')"

# ---- the boots ----
e2e_rootfs "$TB_WORK/root.img"
e2e_scenario initramfs-tools --no-rdinit
log=$TB_WORK/legacy.log
if [ -s "$log" ]; then
  # /run on the real root is the initramfs' tmpfs, moved; the keep link made by `pmemreclaim boot` before
  # udev's coldplug in the initramfs (rule in the image) is in the /dev moved onto the root
  tb_assert_eq "/run on the real root (initramfs-tools' tmpfs, moved)" tmpfs "$(tb_report "$log" run_mount)"
  tb_assert_eq "keep links on the real root" "keep->../pmem0,keep0->../pmem0," "$(tb_report "$log" keep_links)"
fi
# on the serial console (one stream: the kernel's messages and the initramfs' output, in the order they
# happened), the kernel-log lines of `pmemreclaim boot` come before udevd's start banner
for log in "$TB_WORK/legacy.log" "$TB_WORK/bogus.log"; do
  [ -s "$log" ] || continue
  console=$(< "$log" sed '/^@@/,$d')   # up to the real init's report
  last=$(echo "$console" | grep -n '^\[ *[0-9.]*\] pmemreclaim: ' | tail -1 | cut -d: -f1)
  udevd=$(echo "$console" | grep -n 'Starting systemd-udevd' | head -1 | cut -d: -f1)
  tb_assert_true "$(basename "$log" .log): console: the last pmemreclaim kernel-log line (line ${last:-none}) before systemd-udevd starts (line ${udevd:-none})" \
    test -n "$last" -a -n "$udevd" -a "${last:-0}0" -lt "${udevd:-0}0"
done
tb_finish
