#!/bin/bash
# Build a gzip'd newc cpio for pmemreclaim.
#
#   initrd/build.sh --overlay --kernel DIR [--binary PATH] --out FILE
#   initrd/build.sh --test    --kernel DIR [--binary PATH] --out FILE [--extra SRC:DEST]...
#
#   --overlay   /sbin/pmemreclaim + the kernel modules it needs (+ their deps via modules.dep) and a
#               modules.dep/alias/... made by depmod for just that set. Meant to be APPENDED after a
#               distribution initramfs (never in front of a merged-/usr image: its sbin/ and lib/ directory
#               entries would shadow the sbin -> usr/sbin symlinks).
#   --test      the overlay + static busybox (with applet links), tests/boot/test-init.sh as /init,
#               tests/boot/guest/*.sh in /test/, kexec, ndctl and daxctl with their shared libraries.
#   --kernel DIR   a directory made by qemu/kernel.sh (kver, lib/modules/<kver>/...)
#   --binary PATH  the static pmemreclaim; when omitted (or PATH does not exist) in --test mode, a
#                  placeholder shell script that just does `exec /init` is installed.
#   --module-dir D where modules go inside the image (default lib/modules; the overlay's modules.dep
#                  would replace the base image's for the same kernel version when appended - choose a
#                  private directory such as usr/lib/pmemreclaim/modules for a real overlay).
#   --out FILE     output (gzip'd newc cpio)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PATH=$PATH:/usr/sbin:/sbin

usage() { sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "initrd/build.sh: $*" >&2; exit 1; }

MODE= KDIR= BIN= OUT= MODDIR=lib/modules
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --overlay) MODE=overlay ;;
    --test) MODE=test ;;
    --kernel) KDIR=${2:?}; shift ;;
    --binary) BIN=${2:?}; shift ;;
    --out) OUT=${2:?}; shift ;;
    --module-dir) MODDIR=${2:?}; MODDIR=${MODDIR#/}; shift ;;
    --extra) EXTRA+=("${2:?}"); shift ;;
    -h|--help) usage ;;
    *) echo "initrd/build.sh: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
[ -n "$MODE" ] && [ -n "$KDIR" ] && [ -n "$OUT" ] || usage
[ -s "$KDIR/kver" ] || die "$KDIR is not a kernel directory from qemu/kernel.sh (no kver)"
KVER=$(cat "$KDIR/kver")
KMOD=$KDIR/lib/modules/$KVER
[ -s "$KMOD/modules.dep" ] || die "$KMOD/modules.dep missing (run depmod -b)"
if [ "$MODE" = overlay ] && { [ -z "$BIN" ] || [ ! -f "$BIN" ]; }; then
  die "--overlay needs --binary PATH to an existing pmemreclaim binary"
fi
"$ROOT/qemu/host-deps.sh" >&2

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/pmemreclaim-initrd.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

# ---- modules: wanted set + dependency closure from modules.dep ----
WANT="nd_e820 libnvdimm nd_pmem nd_btt dax_pmem dax_pmem_core dax_pmem_compat device_dax kmem dax_hmem ramdax"
declare -A modpath=()
while IFS= read -r line; do
  p=${line%%:*}; n=${p##*/}; n=${n%%.ko*}; n=${n//-/_}
  modpath[$n]=$p
done < "$KMOD/modules.dep"
declare -A picked=()
pick() {
  local n=${1//-/_} p dep
  [ -n "${picked[$n]:-}" ] && return 0
  p=${modpath[$n]:-}
  [ -n "$p" ] || return 1
  picked[$n]=$p
  for dep in $(grep -E "^${p//./\\.}:" "$KMOD/modules.dep" | cut -d: -f2-); do
    dep=${dep##*/}; pick "${dep%%.ko*}"
  done
}
for m in $WANT; do
  if ! pick "$m"; then
    if grep -qE "/${m}\.ko" "$KMOD/modules.builtin" 2>/dev/null; then
      echo "initrd/build.sh: $m is built in" >&2
    else
      echo "initrd/build.sh: $m not in $KVER (skipped)" >&2
    fi
  fi
done
mkdir -p "$STAGE/$MODDIR/$KVER"
for n in "${!picked[@]}"; do
  p=${picked[$n]}
  mkdir -p "$STAGE/$MODDIR/$KVER/$(dirname "$p")"
  cp "$KMOD/$p" "$STAGE/$MODDIR/$KVER/$p"
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
  [ -f "$KMOD/$f" ] && cp "$KMOD/$f" "$STAGE/$MODDIR/$KVER/"
done
# depmod wants <base>/lib/modules/<kver>; build in a scratch tree then move
DM=$(mktemp -d "$STAGE/.dm.XXXXXX")
mkdir -p "$DM/lib/modules"
mv "$STAGE/$MODDIR/$KVER" "$DM/lib/modules/$KVER"
depmod -b "$DM" "$KVER" 2>/dev/null || depmod -b "$DM" "$KVER"
mv "$DM/lib/modules/$KVER" "$STAGE/$MODDIR/$KVER"
rm -rf "$DM"
echo "initrd/build.sh: modules ($KVER): $(echo "${!picked[@]}" | tr ' ' '\n' | sort | tr '\n' ' ')" >&2

# ---- pmemreclaim ----
mkdir -p "$STAGE/sbin"
if [ -n "$BIN" ] && [ -f "$BIN" ]; then
  cp "$BIN" "$STAGE/sbin/pmemreclaim"
  chmod 0755 "$STAGE/sbin/pmemreclaim"
else
  [ -z "$BIN" ] || echo "initrd/build.sh: $BIN does not exist: installing the placeholder" >&2
  printf '#!/bin/sh\n# placeholder for the real pmemreclaim: hand over to /init\nexec /init "$@"\n' \
    > "$STAGE/sbin/pmemreclaim"
  chmod 0755 "$STAGE/sbin/pmemreclaim"
fi

# ---- test image extras ----
copy_with_libs() {   # copy_with_libs BINARY DEST_IN_IMAGE
  local src=$1 dest=$2 lib
  mkdir -p "$STAGE/$(dirname "$dest")"
  cp -L "$src" "$STAGE/$dest"
  for lib in $(ldd "$src" 2>/dev/null | grep -oE '/[^ ]+' | sort -u); do
    [ -e "$lib" ] || continue
    [ -e "$STAGE$lib" ] && continue
    mkdir -p "$STAGE$(dirname "$lib")"
    cp -L "$lib" "$STAGE$lib"
  done
}
if [ "$MODE" = test ]; then
  BB=$(command -v busybox) || die "busybox not found"
  file -L "$BB" | grep -q 'statically linked' || die "$BB is not static (install busybox-static)"
  mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,mnt,test,etc}
  cp "$BB" "$STAGE/bin/busybox"
  for a in $("$BB" --list-full); do
    [ -e "$STAGE/$a" ] && continue
    mkdir -p "$STAGE/$(dirname "$a")"
    ln -s /bin/busybox "$STAGE/$a"
  done
  copy_with_libs "$(command -v kexec)" sbin/kexec
  copy_with_libs "$(command -v ndctl)" usr/bin/ndctl
  copy_with_libs "$(command -v daxctl)" usr/bin/daxctl
  mkdir -p "$STAGE/etc/ndctl.conf.d" "$STAGE/etc/daxctl.conf.d"
  cp "$ROOT/tests/boot/test-init.sh" "$STAGE/init"
  chmod 0755 "$STAGE/init"
  for f in "$ROOT"/tests/boot/guest/*.sh; do
    [ -e "$f" ] && install -m 0755 "$f" "$STAGE/test/"
  done
  for e in ${EXTRA[@]+"${EXTRA[@]}"}; do
    mkdir -p "$STAGE/$(dirname "${e#*:}")"
    cp -a "${e%%:*}" "$STAGE/${e#*:}"
  done
  # /dev/console for the kernel's early open before devtmpfs is mounted
  mknod -m 600 "$STAGE/dev/console" c 5 1 2>/dev/null || true
fi

mkdir -p "$(dirname "$OUT")"
( cd "$STAGE" && find . -mindepth 1 ! -name '.dm.*' | LC_ALL=C sort \
    | cpio --quiet -o -H newc -R 0:0 --reproducible ) | gzip -n -9 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "initrd/build.sh: wrote $OUT ($(stat -c %s "$OUT") bytes, $MODE, $KVER)" >&2
