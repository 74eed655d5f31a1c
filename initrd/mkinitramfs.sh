#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build an initramfs-tools image (Debian's default generator) for a kernel from qemu/kernel.sh, with
# Debian's own mkinitramfs run in a cached minimal Debian root (qemu/debian-root.sh), as `update-initramfs`
# would on an installed system whose kernel is that one. The host keeps whatever it has.
#
#   initrd/mkinitramfs.sh --kernel DIR --out FILE [--pmemreclaim BINARY] [--ndctl] [--modules M]
#                         [--suite S] [--tree DIR] [-- EXTRA MKINITRAMFS ARGS...]
#
#   --kernel DIR     a directory made by qemu/kernel.sh (kver, config, lib/modules/<kver>/ with modules.dep)
#   --out FILE       the image (initramfs-tools' default compression: zstd on Debian 12)
#   --pmemreclaim B  install pmemreclaim as a package would before the build: B as /usr/sbin/pmemreclaim,
#                    initrd/initramfs-tools/hooks/pmemreclaim and scripts/init-top/pmemreclaim under
#                    /usr/share/initramfs-tools/, dracut-module/90pmemreclaim/60-pmemreclaim.rules under
#                    /usr/lib/udev/rules.d/; without it the image has no pmemreclaim
#   --ndctl          the root has Debian's ndctl installed: its /etc/modprobe.d/nvdimm-security.conf
#                    (`install libnvdimm /usr/bin/ndctl load-keys ; ...`) is copied into the image, ndctl is not
#   --modules M      MODULES= for initramfs.conf: most (Debian's default, when not given), netboot or list
#                    (only what hooks and /etc/initramfs-tools/modules add); not dep: it needs / on a block
#                    device, and in the chroot mkinitramfs fails ("failed to determine device for /")
#   --suite S        Debian suite of the root (default bookworm: initramfs-tools 0.142, udev 252)
#   --tree DIR       also unpack the image into DIR (replaced), to look at it
# The kernel is not installed in the root: its modules are bind-mounted read-only at /lib/modules/<kver>
# and its config copied to /boot/config-<kver> (mkinitramfs checks the compression there) in a throwaway
# view of the root (qemu/debian-root.sh run), so the cached root never changes.
# Cold: the root first (qemu/debian-root.sh: about 75 s for minbase + initramfs-tools, 10-30 s more for the
# root with ndctl); then each image 30-50 s with MODULES=most (hundreds of modules, zstd -9), 3 s with list.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PATH=$PATH:/usr/sbin:/sbin

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "initrd/mkinitramfs.sh: $*" >&2; exit 1; }

KDIR='' OUT='' BIN='' NDCTL='' MODULES='' SUITE=bookworm TREE=''
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) KDIR=${2:?}; shift ;;
    --out) OUT=${2:?}; shift ;;
    --pmemreclaim) BIN=${2:?}; shift ;;
    --ndctl) NDCTL=1 ;;
    --modules) MODULES=${2:?}; shift ;;
    --suite) SUITE=${2:?}; shift ;;
    --tree) TREE=${2:?}; shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "initrd/mkinitramfs.sh: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
[ -n "$KDIR" ] && [ -n "$OUT" ] || usage
case "${MODULES:-most}" in
  most|netboot|list) ;;
  dep) die "--modules dep: mkinitramfs finds no block device for / in a chroot (\"failed to determine device for /\"); list is the stricter test of a hook (only hooks add modules)" ;;
  *) die "--modules must be most, netboot or list" ;;
esac
[ -s "$KDIR/kver" ] || die "$KDIR is not a kernel directory from qemu/kernel.sh (no kver)"
KVER=$(cat "$KDIR/kver")
KMOD=$(cd "$KDIR/lib/modules/$KVER" && pwd)
[ -s "$KMOD/modules.dep" ] || die "$KMOD/modules.dep missing (run depmod -b)"
[ -s "$KDIR/config" ] || die "$KDIR/config missing (the kernel's config: mkinitramfs reads /boot/config-$KVER)"
if [ -n "$BIN" ]; then
  [ -f "$BIN" ] || die "--pmemreclaim $BIN: no such file"
  BIN=$(readlink -f "$BIN")
fi

pkgs="initramfs-tools"
[ -z "$NDCTL" ] || pkgs="$pkgs ndctl"

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/pmemreclaim-mkinitramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/out"
view=(--bind "$KMOD:/usr/lib/modules/$KVER:ro" --copy "$KDIR/config:/boot/config-$KVER" --bind "$STAGE/out:/out")
if [ -n "$BIN" ]; then
  view+=(--copy "$BIN:/usr/sbin/pmemreclaim"
         --copy "$ROOT/initrd/initramfs-tools/hooks/pmemreclaim:/usr/share/initramfs-tools/hooks/pmemreclaim"
         --copy "$ROOT/initrd/initramfs-tools/scripts/init-top/pmemreclaim:/usr/share/initramfs-tools/scripts/init-top/pmemreclaim"
         --copy "$ROOT/dracut-module/90pmemreclaim/60-pmemreclaim.rules:/usr/lib/udev/rules.d/60-pmemreclaim.rules")
fi
if [ -n "$MODULES" ]; then
  echo "MODULES=$MODULES" > "$STAGE/modules.conf"
  view+=(--copy "$STAGE/modules.conf:/etc/initramfs-tools/conf.d/pmemreclaim-test-modules")
fi

t0=$SECONDS
echo "initrd/mkinitramfs.sh: Debian $SUITE mkinitramfs, $KVER, MODULES=${MODULES:-most}${NDCTL:+, ndctl installed}${BIN:+, pmemreclaim hook}" >&2
"$ROOT/qemu/debian-root.sh" run --suite "$SUITE" --with "$pkgs" "${view[@]}" -- \
    mkinitramfs -o /out/initrd.img "$@" "$KVER" >&2 || die "mkinitramfs failed"
[ -s "$STAGE/out/initrd.img" ] || die "mkinitramfs wrote no image"
mkdir -p "$(dirname "$OUT")"
mv "$STAGE/out/initrd.img" "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "initrd/mkinitramfs.sh: wrote $OUT ($(stat -c %s "$OUT") bytes, $((SECONDS - t0)) s)" >&2

if [ -n "$TREE" ]; then
  missing=()
  command -v cpio >/dev/null || missing+=(cpio)
  command -v zstd >/dev/null || missing+=(zstd)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "initrd/mkinitramfs.sh: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 \
      || die "cannot install ${missing[*]} (needed by --tree)"
  fi
  rm -rf "$TREE"; mkdir -p "$TREE"
  # one compressed cpio (no early microcode archive in this root): zstd, gzip or xz by its magic
  case "$(head -c 4 "$OUT" | od -An -tx1 | tr -d ' \n')" in
    28b52ffd) dec="zstd -dc" ;;
    1f8b*) dec="gzip -dc" ;;
    fd377a58) dec="xz -dc" ;;
    *) die "--tree: unknown compression of $OUT" ;;
  esac
  $dec < "$OUT" | (cd "$TREE" && cpio -idm --quiet --no-absolute-filenames) || die "cannot unpack $OUT"
fi
