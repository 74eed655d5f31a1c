#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build an arm64 kernel with 64K pages from Debian's own kernel source, for the QEMU boot tests (Debian ships
# no 64K-page arm64 kernel). Normally reached through `qemu/kernel.sh fetch sid-arm64-64k`.
#
#   qemu/kernel-build.sh [FLAVOUR]    build (cached, idempotent), print the kernel directory
#
# FLAVOUR is SUITE-arm64-64k (default sid-arm64-64k). The source is the suite's linux-source-X.Y package (the
# Debian-patched tree of source package `linux`; the linux-source metapackage names the current one),
# downloaded with apt through the flavour's private apt configuration of qemu/kernel.sh (setup_apt: mirror and
# key copied from the host's debian.sources; the system configuration is never touched). It is configured as
# `make ARCH=arm64 allnoconfig` with qemu/kernel-64k.config as KCONFIG_ALLCONFIG (every line of the fragment
# is checked in the result) and cross-compiled with Debian 12's gcc-aarch64-linux-gnu (installed when
# missing, with the other build packages), `nice -n 10 make -j2` (KERNEL_BUILD_JOBS).
#
# Result: the layout of qemu/kernel.sh, in $CACHE/kernels/FLAVOUR/: kver (X.Y.Z-arm64-64k), vmlinuz (the
# arm64 Image, what QEMU -kernel boots), config, System.map, lib/modules/<kver>/ (modules not compressed,
# modules.dep from depmod -b), package (source package and version), build-key (fragment + recipe hash:
# a changed fragment rebuilds), build-time. Downloads in $CACHE/sources/linux-source/, the extracted tree and
# the objects in $CACHE/kernel-build/ (kept: a rebuild after a fragment change is incremental).
# Environment: PMEMRECLAIM_CACHE (default <repo>/.cache), KERNEL_SOURCE_PACKAGE (e.g. linux-source-7.2,
# default: what the suite's linux-source depends on), KERNEL_BUILD_JOBS (default 2).
set -euo pipefail

KB_SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
# parse_flavour, setup_apt (APT_OPTS), host_codename, ROOT, CACHE; sourcing runs no subcommand
. "$(dirname "$KB_SELF")/kernel.sh"
die() { echo "kernel-build.sh: $*" >&2; exit 1; }
log() { echo "kernel-build.sh: $*" >&2; }

FLAVOUR=${1:-sid-arm64-64k}
case "$FLAVOUR" in -h|--help|help) sed -n '2,22p' "$KB_SELF" | sed 's/^# \{0,1\}//' >&2; exit 2 ;; esac
parse_flavour "$FLAVOUR"
[ "$ARCH" = arm64 ] && [ "$VARIANT" = 64k ] || die "only SUITE-arm64-64k flavours are built (got $FLAVOUR)"
FRAGMENT=$ROOT/qemu/kernel-64k.config
[ -r "$FRAGMENT" ] || die "no $FRAGMENT"
JOBS=${KERNEL_BUILD_JOBS:-2}
CROSS=aarch64-linux-gnu-
LOCALVER=-arm64-64k
DIR=$CACHE/kernels/$FLAVOUR
# what the result depends on besides the source: the fragment and this recipe
RECIPE=v1
# (the fragment's license line is not part of what is built: without it the key is the one of before it)
KEY=$( { echo "$RECIPE $LOCALVER"; grep -v '^# SPDX-License-Identifier:' "$FRAGMENT"; } | sha256sum | cut -c1-16)

cached() {
  [ -s "$DIR/kver" ] && [ -s "$DIR/vmlinuz" ] && [ -s "$DIR/lib/modules/$(cat "$DIR/kver")/modules.dep" ] \
    && [ "$(cat "$DIR/build-key" 2>/dev/null)" = "$KEY" ]
}
if cached; then echo "$DIR"; exit 0; fi

mkdir -p "$CACHE/kernel-build"
exec 9>"$CACHE/kernel-build/.lock-$FLAVOUR"
flock 9
if cached; then echo "$DIR"; exit 0; fi   # another run built it meanwhile
T0=$(date +%s)

# ---- build host packages (Debian 12) ----
BUILD_PKGS="make gcc libc6-dev gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu bc bison flex libssl-dev
            libelf-dev cpio kmod xz-utils perl python3"
missing=()
for p in $BUILD_PKGS; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
    || { $SUDO apt-get update -q >&2 && $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; } \
    || die "could not install ${missing[*]}"
fi
"$ROOT/qemu/host-deps.sh" --arch arm64 >&2

# ---- the source package, through the flavour's private apt configuration ----
setup_apt
SRCPKG=${KERNEL_SOURCE_PACKAGE:-}
if [ -z "$SRCPKG" ]; then
  SRCPKG=$(apt-cache "${APT_OPTS[@]}" depends linux-source 2>/dev/null \
           | sed -n 's/^ *Depends: \(linux-source-[0-9][0-9.]*\)$/\1/p' | sort -V | tail -1)
  [ -n "$SRCPKG" ] || die "linux-source in $SUITE names no linux-source-X.Y (apt-get update failed?)"
fi
SRCVER=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$SRCPKG" 2>/dev/null | sed -n 's/^Version: //p' | head -1)
[ -n "$SRCVER" ] || die "$SRCPKG is not in $SUITE"
SRCSRC=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$SRCPKG" | sed -n 's/^Source: //p' | head -1)
log "$FLAVOUR: source $SRCPKG $SRCVER (source package ${SRCSRC:-linux})"
DL=$CACHE/sources/linux-source
mkdir -p "$DL"
find_deb() { ls "$DL/${SRCPKG}_${SRCVER//:/%3a}_"*.deb 2>/dev/null | head -1; }
t=$(date +%s)
DEB=$(find_deb) || true
if [ -z "$DEB" ]; then
  log "downloading $SRCPKG $SRCVER"
  rm -f "$DL"/*.deb.part
  ( cd "$DL" && apt-get "${APT_OPTS[@]}" -o APT::Sandbox::User=root -q download "$SRCPKG=$SRCVER" >&2 ) \
    || die "apt-get download $SRCPKG=$SRCVER failed"
  DEB=$(find_deb) || true
  [ -n "$DEB" ] || die "apt-get download left no $SRCPKG deb in $DL"
fi
T_DL=$(( $(date +%s) - t ))
exec 8>&-   # setup_apt's lock on the suite's private apt lists: the kernel fetches of sid-arm64* go on meanwhile

# ---- extract (once per source version) ----
TREE=$CACHE/kernel-build/${SRCPKG}_${SRCVER//:/%3a}
SRC=$TREE/src OUT=$TREE/out-$FLAVOUR
t=$(date +%s)
if [ ! -e "$SRC/.extracted" ]; then
  log "extracting $(basename "$DEB")"
  rm -rf "$SRC"; mkdir -p "$SRC"
  rm -rf "$TREE/deb"; dpkg-deb -x "$DEB" "$TREE/deb"
  tarball=$(find "$TREE/deb/usr/src" -maxdepth 1 -name 'linux-source-*.tar.*' | head -1)
  [ -n "$tarball" ] || die "no usr/src/linux-source-*.tar.* in $DEB"
  case "$tarball" in
    *.xz) unpack="xz -dc -T2" ;; *.gz) unpack="gzip -dc" ;; *.bz2) unpack="bzip2 -dc" ;; *.zst) unpack="zstd -dc" ;;
    *) die "unknown compression: $tarball" ;;
  esac
  $unpack "$tarball" | tar -x -C "$SRC" --strip-components=1
  rm -rf "$TREE/deb"
  [ -f "$SRC/Makefile" ] && [ -f "$SRC/arch/arm64/Kconfig" ] || die "$tarball is not a kernel tree"
  touch "$SRC/.extracted"
fi
T_EX=$(( $(date +%s) - t ))

# ---- configure: allnoconfig + the fragment, then check every line of the fragment ----
t=$(date +%s)
MK=(make -C "$SRC" O="$OUT" ARCH=arm64 CROSS_COMPILE="$CROSS" LOCALVERSION="$LOCALVER"
    KBUILD_BUILD_USER=pmemreclaim KBUILD_BUILD_HOST=kernel-build)
mkdir -p "$OUT"
BLOG=$OUT/build.log
: > "$BLOG"
run() {   # run CMD...: output to the build log; on failure its tail and stop
  if ! "$@" >>"$BLOG" 2>&1; then
    tail -n 40 "$BLOG" | sed 's/^/    /' >&2
    die "failed: $* (log: $BLOG)"
  fi
}
# allnoconfig would keep a .config's values only through KCONFIG_ALLCONFIG: start from nothing each time
rm -f "$OUT/.config"
run env KCONFIG_ALLCONFIG="$FRAGMENT" "${MK[@]}" allnoconfig
run "${MK[@]}" olddefconfig
optional=" $(sed -n 's/^# optional: *//p' "$FRAGMENT" | tr '\n' ' ') "
bad=0
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*) sym=${line%%=*}; want=$line ;;
    "# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; want= ;;
    *) continue ;;
  esac
  have=$(grep -E "^$sym=" "$OUT/.config" || true)
  [ "$have" = "$want" ] && continue
  if [[ "$optional" == *" $sym "* ]]; then
    log "note: optional $sym: wanted '${want:-not set}', got '${have:-not set}'"
  else
    log "config mismatch: $sym: wanted '${want:-not set}', got '${have:-not set}'"; bad=1
  fi
done < "$FRAGMENT"
[ "$bad" = 0 ] || die "the fragment did not apply (dependencies missing from qemu/kernel-64k.config?)"

# ---- build ----
KVER=$("${MK[@]}" -s kernelrelease 2>/dev/null | tail -1)
[ -n "$KVER" ] || die "no kernelrelease"
log "building $KVER (make -j$JOBS, nice 10; log: $BLOG)"
run nice -n 10 "${MK[@]}" -j"$JOBS" Image modules
T_BUILD=$(( $(date +%s) - t ))

# ---- install in the kernel.sh layout ----
rm -rf "$DIR.new"; mkdir -p "$DIR.new"
run "${MK[@]}" INSTALL_MOD_PATH="$DIR.new" INSTALL_MOD_STRIP=1 DEPMOD=true modules_install
[ -d "$DIR.new/lib/modules/$KVER/kernel" ] || die "modules_install made no lib/modules/$KVER/kernel"
rm -f "$DIR.new/lib/modules/$KVER/build" "$DIR.new/lib/modules/$KVER/source"
cp "$OUT/arch/arm64/boot/Image" "$DIR.new/vmlinuz"
cp "$OUT/.config" "$DIR.new/config"
cp "$OUT/System.map" "$DIR.new/System.map"
PATH=$PATH:/usr/sbin:/sbin depmod -b "$DIR.new" -F "$DIR.new/System.map" "$KVER" || die "depmod failed"
echo "$KVER" > "$DIR.new/kver"
{
  echo "$SRCPKG $SRCVER"
  echo "# source package ${SRCSRC:-linux}, suite $SUITE; built by qemu/kernel-build.sh: make ARCH=arm64 allnoconfig" \
       "+ qemu/kernel-64k.config, $("${CROSS}gcc" --version | head -1)"
} > "$DIR.new/package"
echo "$KEY" > "$DIR.new/build-key"
T_ALL=$(( $(date +%s) - T0 ))
echo "total ${T_ALL}s: download ${T_DL}s, extract ${T_EX}s, configure+build ${T_BUILD}s (-j$JOBS)" > "$DIR.new/build-time"
rm -rf "$DIR"
mv "$DIR.new" "$DIR"
# older source versions (sid moved on): their trees and downloads go
for d in "$CACHE"/kernel-build/linux-source-*; do [ "$d" = "$TREE" ] || rm -rf "$d"; done
for d in "$DL"/*.deb; do [ "$d" = "$DEB" ] || rm -f "$d"; done
log "$FLAVOUR: $KVER ready in $DIR; $(find "$DIR/lib/modules/$KVER/kernel" -name '*.ko' | wc -l) modules"
log "$FLAVOUR: build took ${T_ALL}s (download ${T_DL}s, extract ${T_EX}s, configure+build ${T_BUILD}s)"
echo "$DIR"
