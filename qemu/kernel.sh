#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fetch a Debian kernel (vmlinuz + modules) into .cache/kernels/<flavour>/ for QEMU tests.
#
#   qemu/kernel.sh fetch FLAVOUR     download (cached, idempotent), print the kernel directory
#   qemu/kernel.sh dir FLAVOUR       print the kernel directory (fails if not fetched)
#   qemu/kernel.sh list              list known flavours
#   qemu/kernel.sh userland FLAVOUR  the flavour's suite/arch userland for test images (busybox-static,
#                                    ndctl, daxctl, kexec-tools and their lib* dependency closure),
#                                    downloaded and extracted (cached); prints the root directory
#
# FLAVOUR is SUITE-ARCH[-VARIANT]:
#   bookworm-amd64   Debian 12 Linux 6.1 (the host's own apt configuration when the host is bookworm/amd64)
#   sid-amd64        Debian sid (Linux 7.x), through a private apt configuration
#   sid-arm64, sid-arm64-16k, bookworm-arm64, trixie-backports-amd64, ...  same mechanism
#   sid-arm64-64k    Debian ships no 64K-page arm64 kernel: built from the suite's linux-source package
#                    by qemu/kernel-build.sh (same private apt configuration, same result layout)
#
# Result layout: DIR/kver, DIR/vmlinuz, DIR/lib/modules/<kver>/... (with modules.dep from depmod -b),
#                DIR/package (the Debian packages used); amd64: DIR/vmlinux, the ELF inside vmlinuz, which
#                qemu/vm.sh boots through QEMU's PVH entry (see extract_vmlinux).
# A flavour that is not the host's own suite/arch uses a private apt setup under .cache/apt/<flavour>/:
# a .sources file whose URIs/Signed-By are copied from the host's debian.sources, and
# -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=... -o Dir::State::Lists=... so the
# system configuration is never touched.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${PMEMRECLAIM_CACHE:-$ROOT/.cache}
HOST_SOURCES=${HOST_SOURCES:-/etc/apt/sources.list.d/debian.sources}
PATH=$PATH:/usr/sbin:/sbin

usage() {
  sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
die() { echo "kernel.sh: $*" >&2; exit 1; }

KNOWN_FLAVOURS="bookworm-amd64 sid-amd64 sid-arm64 sid-arm64-16k sid-arm64-64k trixie-backports-amd64 bookworm-arm64"

# parse FLAVOUR -> SUITE ARCH VARIANT META
parse_flavour() {
  local f=$1
  case "$f" in
    *-amd64) SUITE=${f%-amd64}; ARCH=amd64; VARIANT= ;;
    *-arm64-16k) SUITE=${f%-arm64-16k}; ARCH=arm64; VARIANT=16k ;;
    *-arm64-64k) SUITE=${f%-arm64-64k}; ARCH=arm64; VARIANT=64k ;;   # built: qemu/kernel-build.sh
    *-arm64) SUITE=${f%-arm64}; ARCH=arm64; VARIANT= ;;
    *) die "unknown flavour '$f' (expected SUITE-amd64, SUITE-arm64 or SUITE-arm64-16k)" ;;
  esac
  [ -n "$SUITE" ] || die "flavour '$f' has no suite"
  META=linux-image-$ARCH${VARIANT:+-$VARIANT}
}

host_codename() { . /etc/os-release; echo "${VERSION_CODENAME:-unknown}"; }

# Sets APT_OPTS (array) for the flavour; for a foreign suite/arch writes a private config and updates it.
setup_apt() {
  APT_OPTS=()
  if [ "$SUITE" = "$(host_codename)" ] && [ "$ARCH" = "$(dpkg --print-architecture)" ]; then
    return 0
  fi
  local adir=$CACHE/apt/$SUITE-$ARCH
  mkdir -p "$adir/sources.list.d" "$adir/lists/partial" "$adir/archives/partial"
  # flavours of one suite/arch share these lists (sid-arm64, sid-arm64-16k): one updater at a time;
  # the lock is held until the caller exits, through its downloads from the same archives directory
  exec 8>"$adir/.lock"
  flock 8
  [ -r "$HOST_SOURCES" ] || die "cannot read $HOST_SOURCES (needed to derive the mirror)"
  # first stanza whose Suites contain the host codename (the main archive, not security)
  local uri key
  uri=$(awk -v cn="$(host_codename)" '
      /^[ \t]*$/ { if (s ~ " "cn"( |$)" && u != "") { print u; exit } u=""; s=""; next }
      /^URIs:/ { u=$2 } /^Suites:/ { s=$0 }
      END { if (s ~ " "cn"( |$)" && u != "") print u }' "$HOST_SOURCES" | head -1)
  key=$(awk '/^Signed-By:/ { print $2; exit }' "$HOST_SOURCES")
  [ -n "$uri" ] || die "no URIs: found in $HOST_SOURCES"
  local src="$adir/sources.list.d/flavour.sources"
  local want
  want=$(printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nArchitectures: %s\n%s\n' \
         "$uri" "$SUITE" "$ARCH" "${key:+Signed-By: $key}")
  APT_OPTS=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$adir/sources.list.d"
            -o "Dir::State::Lists=$adir/lists" -o "Dir::Cache::Archives=$adir/archives"
            -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
            -o "APT::Architectures::=$ARCH" -o "APT::Architecture=$ARCH")
  if [ ! -f "$src" ] || [ "$(cat "$src")" != "$want" ] || [ -z "$(find "$adir/lists" -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    printf '%s\n' "$want" > "$src"
    echo "kernel.sh: apt-get update for $SUITE/$ARCH (private lists in $adir)" >&2
    apt-get "${APT_OPTS[@]}" -q update >&2 || die "apt-get update for $SUITE/$ARCH failed"
  fi
}

# Print the binary packages carrying vmlinuz and modules for the flavour's metapackage.
resolve_packages() {
  apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
      --no-breaks --no-replaces --no-enhances "$META" 2>/dev/null \
    | grep -E '^linux-(image|binary|modules|base)-[0-9]' | grep -v -- '-dbg' | sort -u
}

# extract_vmlinux BZIMAGE OUT: the ELF kernel inside an x86 bzImage (its zstd or xz payload), for QEMU's
# PVH entry (-kernel vmlinux; Debian's x86 kernels have CONFIG_PVH=y). Under TCG this skips the real-mode
# setup, the BIOS's EDD probe and the decompressor inside the guest: about 1.8 of a boot's 10 seconds.
# The guest is the same kernel with the same e820 map (QEMU hands it over in the PVH start info); KASLR,
# which only the decompressor does, is off, as with nokaslr.
extract_vmlinux() {
  local in=$1 out=$2 off magic dec
  for magic in '\x28\xb5\x2f\xfd:zstd' '\xfd\x37\x7a\x58\x5a\x00:xz'; do
    off=$(LC_ALL=C grep -obUaP "${magic%:*}" "$in" | head -1 | cut -d: -f1) || true
    [ -n "$off" ] || continue
    dec=${magic#*:}
    # the payload is followed by the decompressor's tail: a complaint about trailing data is expected
    tail -c +$((off + 1)) "$in" | "$dec" -dcq > "$out.tmp" 2>/dev/null || true
    if readelf -nW "$out.tmp" 2>/dev/null | grep -q 'Xen.*(0x00000012)'; then
      mv "$out.tmp" "$out"; return 0
    fi
  done
  rm -f "$out.tmp"
  echo "kernel.sh: no PVH-bootable ELF inside $in: QEMU boots the bzImage" >&2
  : > "$out"   # empty: tried (vm.sh then boots vmlinuz)
}

fetch() {
  parse_flavour "$1"
  # no Debian binary package: built from Debian's kernel source (same layout, same apt configuration)
  if [ "$VARIANT" = 64k ]; then "$ROOT/qemu/kernel-build.sh" "$1"; return; fi
  local dir=$CACHE/kernels/$1
  fetched() {
    [ -s "$dir/kver" ] && [ -s "$dir/vmlinuz" ] && [ -s "$dir/lib/modules/$(cat "$dir/kver")/modules.dep" ] \
      && { [ "$ARCH" != amd64 ] || [ -e "$dir/vmlinux" ]; }
  }
  if fetched; then echo "$dir"; return 0; fi
  # one writer per flavour (boot tests run side by side); a waiter finds the result made
  mkdir -p "$CACHE/kernels"
  exec 9>"$CACHE/kernels/.lock-$1"
  flock 9
  if fetched; then echo "$dir"; return 0; fi
  "$ROOT/qemu/host-deps.sh" >&2
  # fetched before vmlinux was kept: only the extraction is missing
  if [ "$ARCH" = amd64 ] && [ -s "$dir/kver" ] && [ -s "$dir/vmlinuz" ] && [ ! -e "$dir/vmlinux" ]; then
    extract_vmlinux "$dir/vmlinuz" "$dir/vmlinux"
    if fetched; then echo "$dir"; return 0; fi
  fi
  setup_apt
  local pkgs
  pkgs=$(resolve_packages) || true
  [ -n "$pkgs" ] || die "could not resolve the kernel packages of $META for $SUITE/$ARCH (apt-get update needed?)"
  echo "kernel.sh: $1: packages: $(echo $pkgs)" >&2
  local work=$CACHE/kernels/.work-$1
  rm -rf "$work"; mkdir -p "$work/debs" "$work/root"
  ( cd "$work/debs" && apt-get "${APT_OPTS[@]}" -o APT::Sandbox::User=root -q download $pkgs >&2 ) || die "apt-get download failed"
  local deb
  for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
  # vmlinuz: boot/vmlinuz-* (6.1 linux-image) or usr/lib/modules/<ver>/vmlinuz (7.x linux-binary)
  local vmlinuz kver moddir=
  local roots=() r
  for r in "$work/root/boot" "$work/root/usr/lib/modules" "$work/root/lib/modules"; do
    [ -d "$r" ] && roots+=("$r")
  done
  vmlinuz=$(find "${roots[@]}" \( -name 'vmlinuz*' -o -name 'vmlinux*' -o -name 'Image*' \) -type f | head -1)
  [ -n "$vmlinuz" ] || die "no vmlinuz in $pkgs"
  for r in "$work"/root/lib/modules/* "$work"/root/usr/lib/modules/*; do
    [ -d "$r/kernel" ] && { moddir=$r; break; }
  done
  [ -n "$moddir" ] || die "no lib/modules/<ver>/kernel in $pkgs"
  kver=$(basename "$moddir")
  rm -rf "$dir.new"; mkdir -p "$dir.new/lib/modules"
  cp "$vmlinuz" "$dir.new/vmlinuz"
  [ "$ARCH" != amd64 ] || extract_vmlinux "$dir.new/vmlinuz" "$dir.new/vmlinux"
  rm -f "$moddir/vmlinuz"
  mv "$moddir" "$dir.new/lib/modules/$kver"
  local sysmap='' cfg=''
  sysmap=$(find "$work/root" "$dir.new/lib/modules" -name 'System.map*' -type f | head -1)
  cfg=$(find "$work/root" "$dir.new/lib/modules" \( -name 'config-*' -path '*boot*' -o -name config \) -type f | head -1)
  if [ -n "$sysmap" ]; then cp "$sysmap" "$dir.new/System.map"; fi
  if [ -n "$cfg" ]; then cp "$cfg" "$dir.new/config"; fi
  depmod -b "$dir.new" ${sysmap:+-F "$dir.new/System.map"} "$kver" || die "depmod failed"
  echo "$kver" > "$dir.new/kver"
  echo "$pkgs" > "$dir.new/package"
  rm -rf "$dir" "$work"
  mv "$dir.new" "$dir"
  echo "kernel.sh: $1: $kver ready in $dir" >&2
  echo "$dir"
}

# Userland for a foreign-arch test initramfs: .cache/userland/<suite>-<arch>/root (+ packages list).
USERLAND_TOP="busybox-static ndctl daxctl kexec-tools"
userland() {
  parse_flavour "$1"
  local dir=$CACHE/userland/$SUITE-$ARCH
  if [ -s "$dir/packages" ] && [ -x "$dir/root/bin/busybox" ]; then echo "$dir/root"; return 0; fi
  mkdir -p "$CACHE/userland"
  exec 9>"$CACHE/userland/.lock-$SUITE-$ARCH"
  flock 9
  if [ -s "$dir/packages" ] && [ -x "$dir/root/bin/busybox" ]; then echo "$dir/root"; return 0; fi
  "$ROOT/qemu/host-deps.sh" >&2
  setup_apt
  local pkgs
  # the top packages and every lib*/zlib* package (shared libraries, libc6) of their Depends closure
  pkgs=$(apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
            --no-breaks --no-replaces --no-enhances $USERLAND_TOP 2>/dev/null \
         | grep -v '^ ' | grep -vE '^<|^libc-gconv|^libc-bin|^libc-l10n' \
         | grep -E "^lib|^zlib|^($(echo $USERLAND_TOP | tr ' ' '|'))\$" | sort -u) || true
  [ -n "$pkgs" ] || die "could not resolve $USERLAND_TOP for $SUITE/$ARCH"
  local work=$CACHE/userland/.work-$SUITE-$ARCH
  rm -rf "$work"; mkdir -p "$work/debs" "$work/root"
  ( cd "$work/debs" && apt-get "${APT_OPTS[@]}" -o APT::Sandbox::User=root -q download $pkgs >&2 ) \
    || die "apt-get download of the $SUITE/$ARCH userland failed"
  local deb
  for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
  [ -x "$work/root/bin/busybox" ] || [ -x "$work/root/usr/bin/busybox" ] || die "no busybox in busybox-static"
  [ -e "$work/root/bin/busybox" ] || { mkdir -p "$work/root/bin"; ln -s ../usr/bin/busybox "$work/root/bin/busybox"; }
  (cd "$work/debs" && ls) > "$work/packages"
  rm -rf "$dir"; mkdir -p "$dir"
  mv "$work/root" "$dir/root"; mv "$work/packages" "$dir/packages"
  rm -rf "$work"
  echo "kernel.sh: userland $SUITE/$ARCH ready in $dir ($(wc -l < "$dir/packages") packages)" >&2
  echo "$dir/root"
}

# sourced (qemu/kernel-build.sh uses parse_flavour and setup_apt): functions only
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0
[ $# -ge 1 ] || usage
case "$1" in
  fetch) [ $# -eq 2 ] || usage; fetch "$2" ;;
  dir)   [ $# -eq 2 ] || usage; d=$CACHE/kernels/$2; [ -s "$d/kver" ] || die "$2 not fetched (run: qemu/kernel.sh fetch $2)"; echo "$d" ;;
  userland) [ $# -eq 2 ] || usage; userland "$2" ;;
  list)  echo "$KNOWN_FLAVOURS" | tr ' ' '\n' ;;
  -h|--help|help) usage ;;
  *) usage ;;
esac
