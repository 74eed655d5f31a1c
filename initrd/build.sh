#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build a gzip'd newc cpio for pmemreclaim.
#
#   initrd/build.sh --overlay --kernel DIR [--binary PATH] --out FILE
#   initrd/build.sh --test    --kernel DIR [--binary PATH] --out FILE [--extra SRC:DEST]...
#
#   --overlay   /usr/sbin/pmemreclaim + the kernel modules it needs (+ their deps via modules.dep) and a
#               modules.dep/alias/... made by depmod for just that set, in /usr/lib/pmemreclaim/modules/<kver>/
#               (where pmemreclaim looks first). Only usr/, usr/sbin/, usr/lib/... entries: it can go IN FRONT
#               of a distribution initramfs, merged-/usr or not (no sbin/ or lib/ entry to turn a
#               sbin -> usr/sbin symlink into a directory, no modules.dep of the base image replaced):
#                 cat overlay.cpio.gz /boot/initrd.img-$(uname -r) > combined; rdinit=/usr/sbin/pmemreclaim
#               pmemreclaim then execs the base image's /init (pmemreclaim.init=, default /init).
#   --test      the overlay + static busybox (with applet links), tests/boot/test-init.sh as /init,
#               tests/boot/guest/*.sh in /test/, kexec, ndctl and daxctl with their shared libraries.
#   --kernel DIR   a directory made by qemu/kernel.sh (kver, lib/modules/<kver>/...)
#   --binary PATH  the static pmemreclaim; when omitted (or PATH does not exist) in --test mode, a
#                  placeholder shell script that just does `exec /init` is installed.
#   --with-module NAME  (--test only, repeatable) also this module and its dependencies, e.g. nfit,
#                  virtio_pmem for a guest with an NVDIMM or a virtio-pmem device; the overlay's list never grows
#   --module-dir D where modules go inside the image (default: usr/lib/pmemreclaim/modules for --overlay,
#                  lib/modules for --test)
#   --out FILE     output (gzip'd newc cpio)
#   --uncompressed a plain newc cpio instead: an overlay put in front of an image that starts with an
#                  early (uncompressed) microcode cpio must be uncompressed too, or the kernel's early
#                  microcode loader, which walks only the leading uncompressed archives, stops at it
#   --arch A       x86_64 (default: the host's busybox, kexec, ndctl, daxctl) or arm64: adds of_pmem to the
#                  modules; in --test mode busybox-static, ndctl, daxctl, kexec and their shared libraries
#                  (NEEDED closure, from readelf) and /lib/ld-linux-aarch64.so.1 come from Debian's arm64
#                  packages (qemu/kernel.sh userland FLAVOUR, private apt configuration, cached)
#   --userland FLAVOUR  suite-arch for those packages (default: the kernel directory's name when it is
#                  a qemu/kernel.sh flavour, else sid-arm64)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PATH=$PATH:/usr/sbin:/sbin

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "initrd/build.sh: $*" >&2; exit 1; }

MODE='' KDIR='' BIN='' OUT='' MODDIR='' ARCH=x86_64 USERLAND='' COMPRESS=''
EXTRA=()
WITHOUT=()
WITH=()
while [ $# -gt 0 ]; do
  case "$1" in
    --overlay) MODE=overlay ;;
    --test) MODE='test' ;;
    --kernel) KDIR=${2:?}; shift ;;
    --binary) BIN=${2:?}; shift ;;
    --out) OUT=${2:?}; shift ;;
    --module-dir) MODDIR=${2:?}; MODDIR=${MODDIR#/}; shift ;;
    --extra) EXTRA+=("${2:?}"); shift ;;
    --without-module) WITHOUT+=("${2:?}"); shift ;;
    --with-module) WITH+=("${2:?}"); shift ;;
    --uncompressed) COMPRESS='cat' ;;
    --arch) ARCH=${2:?}; shift ;;
    --userland) USERLAND=${2:?}; shift ;;
    -h|--help) usage ;;
    *) echo "initrd/build.sh: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
[ -n "$MODE" ] && [ -n "$KDIR" ] && [ -n "$OUT" ] || usage
[ ${#WITH[@]} -eq 0 ] || [ "$MODE" = test ] || die "--with-module is for --test images only"
if [ -z "$MODDIR" ]; then
  if [ "$MODE" = overlay ]; then MODDIR=usr/lib/pmemreclaim/modules; else MODDIR=lib/modules; fi
fi
# where the binary goes: usr/sbin for the overlay (see above), sbin for the test image (rdinit=/sbin/pmemreclaim)
if [ "$MODE" = overlay ]; then BINDIR=usr/sbin; else BINDIR=sbin; fi
[ -s "$KDIR/kver" ] || die "$KDIR is not a kernel directory from qemu/kernel.sh (no kver)"
KVER=$(cat "$KDIR/kver")
KMOD=$KDIR/lib/modules/$KVER
[ -s "$KMOD/modules.dep" ] || die "$KMOD/modules.dep missing (run depmod -b)"
if [ "$MODE" = overlay ] && { [ -z "$BIN" ] || [ ! -f "$BIN" ]; }; then
  die "--overlay needs --binary PATH to an existing pmemreclaim binary"
fi
case "$ARCH" in
  x86_64|amd64) ARCH=x86_64 ;;
  arm64|aarch64) ARCH=arm64 ;;
  *) die "unknown --arch '$ARCH' (x86_64 or arm64)" ;;
esac
"$ROOT/qemu/host-deps.sh" --arch "$ARCH" >&2

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/pmemreclaim-initrd.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

# ---- modules: wanted set + dependency closure from modules.dep ----
# The binary keeps the one list (`pmemreclaim modules --arch=A`); any pmemreclaim that runs on this host
# can say it for either architecture (an arm64 binary can't run here: the host's build answers).
WANT=
for lister in ${BIN:+"$BIN"} ${PMEMRECLAIM_HOST_BINARY:+"$PMEMRECLAIM_HOST_BINARY"} \
    ${PMEMRECLAIM_BINARY:+"$PMEMRECLAIM_BINARY"} "$ROOT/build/x86_64-linux-musl/pmemreclaim" \
    "$ROOT/build/host/pmemreclaim"; do
  [ -x "$lister" ] && WANT=$("$lister" modules --arch="$ARCH" 2>/dev/null | tr '\n' ' ') && [ -n "$WANT" ] && break
  WANT=
done
[ -n "$WANT" ] || die "no pmemreclaim binary that runs on this host to list the kernel modules (build one: tests/build.sh)"
# --without-module NAME (tests: a module missing from the image)
for w in "${WITHOUT[@]}"; do WANT=$(echo " $WANT " | sed "s/ $w / /; s/^ //; s/ $//"); done
# --with-module NAME (test images: other drivers the guest's devices need, e.g. nfit, virtio_pmem)
for w in ${WITH[@]+"${WITH[@]}"}; do WANT="$WANT $w"; done
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
mkdir -p "$STAGE/$BINDIR"
if [ -n "$BIN" ] && [ -f "$BIN" ]; then
  cp "$BIN" "$STAGE/$BINDIR/pmemreclaim"
  chmod 0755 "$STAGE/$BINDIR/pmemreclaim"
else
  [ -z "$BIN" ] || echo "initrd/build.sh: $BIN does not exist: installing the placeholder" >&2
  printf '#!/bin/sh\n# placeholder for the real pmemreclaim: hand over to /init\nexec /init "$@"\n' \
    > "$STAGE/$BINDIR/pmemreclaim"
  chmod 0755 "$STAGE/$BINDIR/pmemreclaim"
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
# arm64: binaries from the extracted Debian arm64 packages, libraries by their NEEDED entries
UL=
ul_find_lib() {   # ul_find_lib SONAME -> path inside $UL (relative), first match in the multiarch dirs
  local d
  for d in usr/lib/aarch64-linux-gnu lib/aarch64-linux-gnu usr/lib lib; do
    if [ -e "$UL/$d/$1" ]; then echo "$d/$1"; return 0; fi
  done
  return 1
}
copy_foreign_with_libs() {   # copy_foreign_with_libs PATH_IN_UL DEST_IN_IMAGE
  local src=$UL/$1 dest=$2 interp lib rel todo=() seen=" "
  [ -e "$src" ] || die "$1 not in the arm64 userland $UL"
  mkdir -p "$STAGE/$(dirname "$dest")"
  cp -L "$src" "$STAGE/$dest"
  interp=$(readelf -lW "$src" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
  if [ -n "$interp" ] && [ ! -e "$STAGE$interp" ]; then
    rel=$(ul_find_lib "$(basename "$interp")") || die "no $interp in $UL"
    mkdir -p "$STAGE$(dirname "$interp")"
    cp -L "$UL/$rel" "$STAGE$interp"
  fi
  todo=("$src")
  while [ ${#todo[@]} -gt 0 ]; do
    local f=${todo[0]}; todo=("${todo[@]:1}")
    for lib in $(readelf -dW "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      case "$seen" in *" $lib "*) continue ;; esac
      seen="$seen$lib "
      rel=$(ul_find_lib "$lib") || die "$lib (needed by $f) not in $UL"
      # the loader searches /usr/lib/aarch64-linux-gnu (a Debian trusted directory)
      if [ ! -e "$STAGE/usr/lib/aarch64-linux-gnu/$lib" ]; then
        mkdir -p "$STAGE/usr/lib/aarch64-linux-gnu"
        cp -L "$UL/$rel" "$STAGE/usr/lib/aarch64-linux-gnu/$lib"
      fi
      todo+=("$UL/$rel")
    done
  done
}
# link_applets BUSYBOX: a /bin/busybox link for every applet BUSYBOX lists (test image)
# (one perl process: a mkdir and an ln per applet were 3 of the image's 10 seconds)
link_applets() {
  "$1" --list-full | perl -MFile::Path=make_path -MFile::Basename=dirname -e '
    my $stage = shift;
    while (my $a = <STDIN>) {
      chomp $a; my $p = "$stage/$a";
      next if $a eq "" || -e $p || -l $p;
      make_path(dirname($p));
      symlink("/bin/busybox", $p) or die "initrd/build.sh: $p: $!\n";
    }' "$STAGE"
}

# finish_test_image: what every test image has besides its binaries: the test init as /init, the
# guest scripts in /test/, the --extra files, empty ndctl/daxctl config dirs, and /dev/console for
# the kernel's early open before devtmpfs is mounted
finish_test_image() {
  local f e
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
  mknod -m 600 "$STAGE/dev/console" c 5 1 2>/dev/null || true
}

if [ "$MODE" = test ] && [ "$ARCH" = arm64 ]; then
  if [ -z "$USERLAND" ]; then
    USERLAND=$(basename "$(cd "$KDIR" && pwd)")
    case "$USERLAND" in *-arm64|*-arm64-*) ;; *) USERLAND=sid-arm64 ;; esac
  fi
  UL=$("$ROOT/qemu/kernel.sh" userland "$USERLAND") || die "no arm64 userland for $USERLAND"
  BB=$UL/bin/busybox
  file -L "$BB" | grep -q 'ARM aarch64.*statically linked' || die "$BB is not a static aarch64 busybox"
  mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,mnt,test,etc}
  cp -L "$BB" "$STAGE/bin/busybox"
  # the arm64 busybox cannot run here: its applet links follow the host busybox's list (Debian's
  # configurations of the two differ little; a missing applet says "applet not found")
  HBB=$(command -v busybox) || die "host busybox not found (for the applet list)"
  link_applets "$HBB"
  copy_foreign_with_libs usr/sbin/kexec sbin/kexec
  copy_foreign_with_libs usr/bin/ndctl usr/bin/ndctl
  copy_foreign_with_libs usr/bin/daxctl usr/bin/daxctl
  finish_test_image
elif [ "$MODE" = test ]; then
  BB=$(command -v busybox) || die "busybox not found"
  file -L "$BB" | grep -q 'statically linked' || die "$BB is not static (install busybox-static)"
  mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,mnt,test,etc}
  cp "$BB" "$STAGE/bin/busybox"
  link_applets "$BB"
  copy_with_libs "$(command -v kexec)" sbin/kexec
  copy_with_libs "$(command -v ndctl)" usr/bin/ndctl
  copy_with_libs "$(command -v daxctl)" usr/bin/daxctl
  finish_test_image
fi

# a test image lives for one test run: gzip -1 (0.3 s; -9 took 2.2 s for 1.5 % less); the overlay, which
# users install, gets -9
[ -n "$COMPRESS" ] || { [ "$MODE" = test ] && COMPRESS="gzip -n -1"; } || COMPRESS="gzip -n -9"
mkdir -p "$(dirname "$OUT")"
( cd "$STAGE" && find . -mindepth 1 ! -name '.dm.*' | LC_ALL=C sort \
    | cpio --quiet -o -H newc -R 0:0 --reproducible ) | $COMPRESS > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "initrd/build.sh: wrote $OUT ($(stat -c %s "$OUT") bytes, $MODE, $KVER${UL:+, $ARCH})" >&2
