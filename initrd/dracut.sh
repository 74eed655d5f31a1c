#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build a dracut initramfs for a kernel from qemu/kernel.sh, with Debian's dracut run from an extracted
# package (the host keeps initramfs-tools: Debian's `dracut` package conflicts with it, so it is never
# installed; `dracut-core` is downloaded with apt-get download and unpacked under .cache/dracut/).
#
#   initrd/dracut.sh --kernel DIR --out FILE [--flow shell|systemd] [--pmemreclaim BINARY]
#                    [--filesystems "ext4"] [-- EXTRA DRACUT ARGS...]
#
#   --kernel DIR     a directory made by qemu/kernel.sh (kver, lib/modules/<kver>/ with modules.dep)
#   --out FILE       the image
#   --flow shell     no systemd in the image: dracut's shell /init (omits systemd, systemd-initrd,
#                    dracut-systemd and the systemd-* modules)
#   --flow systemd   systemd as the initramfs init (dracut's systemd, systemd-initrd, dracut-systemd);
#                    needs the host's systemd and udev (the files come from the host)
#   --pmemreclaim B  add the pmemreclaim dracut module (dracut-module/90pmemreclaim) with binary B
#                    (dracut --add pmemreclaim, PMEMRECLAIM_BINARY=B); without it the image has no pmemreclaim
#   --filesystems L  root filesystem drivers (default "ext4"; crc32c_generic, virtio_blk and virtio_pci
#                    are always added)
# Needs from the host (installed here through apt-get when missing): udev at the host systemd's version
# (dracut-core depends on it; its udevadm/systemd-udevd go into every dracut image), cpio, kmod,
# e2fsprogs. Cached: .cache/dracut/<version>/ (the unpacked package).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${PMEMRECLAIM_CACHE:-$ROOT/.cache}
PATH=$PATH:/usr/sbin:/sbin

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "initrd/dracut.sh: $*" >&2; exit 1; }

KDIR='' OUT='' FLOW=shell BIN='' FS=ext4
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) KDIR=${2:?}; shift ;;
    --out) OUT=${2:?}; shift ;;
    --flow) FLOW=${2:?}; shift ;;
    --pmemreclaim) BIN=${2:?}; shift ;;
    --filesystems) FS=${2:?}; shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "initrd/dracut.sh: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
[ -n "$KDIR" ] && [ -n "$OUT" ] || usage
case "$FLOW" in shell|systemd) ;; *) die "--flow must be shell or systemd" ;; esac
[ -s "$KDIR/kver" ] || die "$KDIR is not a kernel directory from qemu/kernel.sh (no kver)"
KVER=$(cat "$KDIR/kver")
KMOD=$(cd "$KDIR/lib/modules/$KVER" && pwd)
[ -s "$KMOD/modules.dep" ] || die "$KMOD/modules.dep missing (run depmod -b)"
if [ -n "$BIN" ]; then
  [ -f "$BIN" ] || die "--pmemreclaim $BIN: no such file"
  BIN=$(readlink -f "$BIN")
fi

# ---- host packages ----
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  echo "initrd/dracut.sh: installing $*" >&2
  $SUDO apt-get install -y --no-install-recommends "$@" >&2 \
    || { $SUDO apt-get update >&2 && $SUDO apt-get install -y --no-install-recommends "$@" >&2; }
}
missing=()
command -v cpio >/dev/null || missing+=(cpio)
command -v depmod >/dev/null || missing+=(kmod)
command -v mke2fs >/dev/null || missing+=(e2fsprogs)
if ! dpkg -s udev >/dev/null 2>&1; then
  # udev must match the host's libsystemd-shared (the same source package): pin it to systemd's version
  sv=$(dpkg-query -W -f '${Version}' systemd 2>/dev/null || true)
  missing+=("udev${sv:+=$sv}")
fi
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
if [ "$FLOW" = systemd ]; then
  [ -x /lib/systemd/systemd ] || die "--flow systemd needs systemd on the host (/lib/systemd/systemd)"
  [ -e /lib/systemd/systemd-udevd ] || die "--flow systemd needs /lib/systemd/systemd-udevd (package udev)"
fi

# ---- dracut-core, unpacked ----
DVER=$(apt-cache policy dracut-core 2>/dev/null | awk '/Candidate:/ {print $2}')
if [ -z "$DVER" ] || [ "$DVER" = "(none)" ]; then
  # no candidate (apt lists missing): reuse whatever was unpacked before, else refresh the lists
  DVER=$(find "$CACHE/dracut" -mindepth 1 -maxdepth 1 ! -name '.*' -printf '%f\n' 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$DVER" ]; then
    $SUDO apt-get update >&2
    DVER=$(apt-cache policy dracut-core | awk '/Candidate:/ {print $2}')
  fi
fi
[ -n "$DVER" ] && [ "$DVER" != "(none)" ] || die "no dracut-core package known to apt"
DX=$CACHE/dracut/$DVER
mkdir -p "$CACHE/dracut"
exec 9>"$CACHE/dracut/.lock"
flock 9   # one unpacker; the others wait, then copy what it unpacked (released below)
if [ ! -x "$DX/usr/bin/dracut" ] || [ ! -x "$DX/usr/lib/dracut/dracut-install" ]; then
  work=$CACHE/dracut/.work-$$
  rm -rf "$work"; mkdir -p "$work/debs"
  ( cd "$work/debs" && apt-get -o APT::Sandbox::User=root -q download "dracut-core=$DVER" >&2 ) \
    || die "apt-get download dracut-core=$DVER failed"
  dpkg-deb -x "$work"/debs/dracut-core_*.deb "$work/root"
  rm -rf "$DX"; mkdir -p "$(dirname "$DX")"
  mv "$work/root" "$DX"; rm -rf "$work"
  echo "initrd/dracut.sh: dracut-core $DVER unpacked in $DX" >&2
fi

# ---- a private dracut base directory (+ the pmemreclaim module) ----
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/pmemreclaim-dracut.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cp -a "$DX/usr/lib/dracut" "$STAGE/base"
exec 9>&-
mkdir -p "$STAGE/conf.d" "$STAGE/tmp"
args=(--kver "$KVER" --kmoddir "$KMOD" --no-hostonly --no-hostonly-cmdline --force
      --conf /dev/null --confdir "$STAGE/conf.d" --tmpdir "$STAGE/tmp"
      --filesystems "$FS" --add-drivers "crc32c_generic virtio_blk virtio_pci"
      --omit "plymouth")
if [ "$FLOW" = shell ]; then
  omit=$(cd "$STAGE/base/modules.d" && ls -d ??systemd* ??dracut-systemd 2>/dev/null | cut -c3- | tr '\n' ' ')
  args+=(--omit "$omit")
else
  args+=(--add "systemd systemd-initrd dracut-systemd")
fi
if [ -n "$BIN" ]; then
  cp -a "$ROOT/dracut-module/90pmemreclaim" "$STAGE/base/modules.d/"
  args+=(--add pmemreclaim)
  export PMEMRECLAIM_BINARY=$BIN
else
  unset PMEMRECLAIM_BINARY
fi
mkdir -p "$(dirname "$OUT")"
OUTABS=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")
echo "initrd/dracut.sh: dracut $DVER, $FLOW flow, $KVER${BIN:+, pmemreclaim module}" >&2
dracutbasedir=$STAGE/base bash "$DX/usr/bin/dracut" "${args[@]}" "$@" "$OUTABS.tmp" >&2 \
  || die "dracut failed"
mv "$OUTABS.tmp" "$OUTABS"
echo "initrd/dracut.sh: wrote $OUT ($(stat -c %s "$OUT") bytes)" >&2
