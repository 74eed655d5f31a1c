#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end, the overlay in front of a Debian 12 initramfs-tools image made on a host WITH ndctl installed
# (initrd/mkinitramfs.sh --ndctl, no pmemreclaim hook): Debian's ndctl package installs
# /etc/modprobe.d/nvdimm-security.conf, `install libnvdimm /usr/bin/ndctl load-keys ; /sbin/modprobe
# --ignore-install libnvdimm $CMDLINE_OPTS`, and mkinitramfs copies it into the image, without ndctl. The
# overlay (initrd/build.sh --overlay) goes in front, rdinit=/usr/sbin/pmemreclaim, which execs the image's
# /init afterwards; that mounts the ext4 root and the real init reports.
# memmap=126M!4G memmap=1922M!0x107E00000 pmemreclaim=legacy pmemreclaim.keep=126M: the modules load anyway
# (the install command can't run: pmemreclaim loads libnvdimm without it, and its kernel-log line says so),
# 1920 MiB onlined as kmem, the kept 126 MiB identical in the guest and in the RAM file.
# The handoff record is reported, not asserted: pmemreclaim as PID 1 leaves it in a tmpfs it mounts on
# /run, and initramfs-tools' /init mounts a new tmpfs over /run (unconditionally) and moves that one onto
# the real root, so the record is not visible there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/e2e.sh"
tr_require_binary
tb_setup

# ---- the images ----
base=$TB_WORK/mkinitramfs-ndctl.img
e2e_mkinitramfs "$base" --ndctl
tree=$base.tree
tb_assert_true "the image has the ndctl package's modprobe.d install command for libnvdimm" \
  grep -q '^install libnvdimm /usr/bin/ndctl ' "$tree/etc/modprobe.d/nvdimm-security.conf"
tb_assert_true "the image has no ndctl (the install command cannot run)" \
  test ! -e "$tree/usr/bin/ndctl" -a ! -e "$tree/usr/sbin/ndctl"
tb_assert_true "the image has no pmemreclaim of its own" \
  test ! -e "$tree/usr/sbin/pmemreclaim" -a ! -e "$tree/scripts/init-top/pmemreclaim"
"$TB_ROOT/initrd/build.sh" --overlay --kernel "$TB_KDIR" --binary "$PMEMRECLAIM_BINARY" \
    --out "$TB_WORK/overlay.cpio.gz" 2>&1 | sed "s/^/[$TB_NAME] /"
TB_INITRD=$TB_WORK/combined.img
cat "$TB_WORK/overlay.cpio.gz" "$base" > "$TB_INITRD"

# ---- the boot ----
e2e_rootfs "$TB_WORK/root.img"
command -v jq >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }
ram=$TB_RAMDIR/ram log=$TB_WORK/legacy.log
tb_ramfile_create "$ram"
want=$(tb_write_pattern "$ram" $((4 * GiB)) $E2E_SEED $E2E_KEPT)
want_guest=$(tb_pattern_sha256 $E2E_SEED $TB_GUEST_HASH)
if e2e_boot "$log" "$E2E_MEMMAP pmemreclaim=legacy pmemreclaim.keep=126M test.kept=/dev/pmem0:$TB_GUEST_HASH $E2E_APPEND" \
     "$ram" --rdinit /usr/sbin/pmemreclaim; then
  e2e_assert_real_root "$log"
  tb_assert_eq "carve bytes" $((2 * GiB)) "$(tb_carve_bytes "$log")"
  tb_assert_eq "kmem bytes" $((1920 * MiB)) "$(tb_kmem_bytes "$log")"
  for m in libnvdimm nd_e820 nd_pmem dax_pmem device_dax kmem; do
    tb_assert_true "module $m loaded" eval "tb_report '$log' modules | tr ',' '\\n' | grep -qx $m"
  done
  tb_assert_true "the kernel log says the install command failed and the module was loaded without it" \
    tr_dmesg_has "$log" "modprobe.d install commands failed"
  tb_assert_eq "kept bytes in the guest (/dev/pmem0, first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$log" sha256 2)"
  tb_assert_eq "kept bytes in the RAM file after poweroff" "$want" "$(tb_read_sha256 "$ram" $((4 * GiB)) $E2E_KEPT)"
  # devtmpfs is one instance: the links pmemreclaim made stay in the /dev that /init mounts and moves
  tb_assert_eq "keep links on the real root" "keep->../pmem0,keep0->../pmem0," "$(tb_report "$log" keep_links)"
  tb_section "$log" kmsg | grep 'pmemreclaim: ' | sed 's/^/    /' || true
  state=$(tb_report "$log" state_json)
  tb_log "handoff record on the real root: ${state:-none} (/run: $(tb_report "$log" run_mount))"
  echo "[$TB_NAME] RESULT overlay-mkinitramfs legacy: kmem=$(tb_kmem_bytes "$log") memtotal=$(tb_memtotal_bytes "$log")" \
       "rootfs='$(tb_report "$log" rootfs)' record=$([ -n "$state" ] && echo present || echo absent) wall=${TB_WALL}s"
else
  tb_fail "boot with the overlay in front of the mkinitramfs image did not reach the real init's report"
fi
tb_finish
