#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian packages the qemu/, initrd/ and tests/boot/ scripts need.
# Idempotent and quick when everything is present. Needs root (or sudo) to install.
#   usage: qemu/host-deps.sh [--check] [--arch x86_64|arm64] [--all]
#     --check       only report what is missing, exit 1 if any
#     --arch arm64  also what arm64 guests need: qemu-system-aarch64 (qemu-system-arm), dtc
#                   (device-tree-compiler)
#     --all         arm64 too, and every package the other scripts would install on their own (the builds
#                   of tests/build.sh and deps/, the 64K kernel build, debootstrap, jq): tests/run.sh installs
#                   them all in one apt-get before it starts builds side by side, so no two of them ever
#                   wait for the dpkg lock
# Installs hold a lock (flock on /run/lock/pmemreclaim-apt.lock), so two callers never race for dpkg.
set -euo pipefail
CHECK='' ARCH=x86_64 ALL=''
while [ $# -gt 0 ]; do
  case "$1" in
    --check) CHECK=1 ;;
    --all) ALL=1; ARCH=arm64 ;;
    --arch) ARCH=${2:?}; shift ;;
    --arch=*) ARCH=${1#--arch=} ;;
    *) echo "host-deps.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

# command -> Debian package providing it
declare -A need=(
  [qemu-system-x86_64]=qemu-system-x86
  [qemu-img]=qemu-utils
  [busybox]=busybox-static
  [kexec]=kexec-tools
  [ndctl]=ndctl
  [daxctl]=daxctl
  [cpio]=cpio
  [depmod]=kmod
  [openssl]=openssl
  [gzip]=gzip
  [xz]=xz-utils
  [zstd]=zstd
  [dpkg-deb]=dpkg
  [apt-get]=apt
  [sha256sum]=coreutils
  [timeout]=coreutils
  [ldd]=libc-bin
  [file]=file
  [jq]=jq
  [readelf]=binutils
  [lintian]=lintian
  [shellcheck]=shellcheck
)
case "$ARCH" in
  x86_64|amd64) ;;
  arm64|aarch64) need[qemu-system-aarch64]=qemu-system-arm; need[dtc]=device-tree-compiler ;;
  *) echo "host-deps.sh: unknown arch '$ARCH'" >&2; exit 2 ;;
esac
PATH=$PATH:/usr/sbin:/sbin

missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
# busybox must be the static build (it goes into the test initramfs)
if command -v busybox >/dev/null 2>&1 && ! dpkg -s busybox-static >/dev/null 2>&1; then
  missing+=(busybox-static)
fi
# SeaBIOS for qemu -machine pc
[ -e /usr/share/seabios/bios-256k.bin ] || missing+=(seabios)
if [ -n "$ALL" ]; then
  # tests/build.sh (host build, ASan, fuzz), deps/toolchain.sh --host-tools (dependency recipes, npm),
  # qemu/kernel-build.sh (the 64K kernel), qemu/debian-root.sh (debootstrap), the jq of the boot tests
  for p in g++ cmake ninja-build pkg-config catch2 nlohmann-json3-dev libndctl-dev libdaxctl-dev libkmod-dev uuid-dev clang-14 \
           libclang-rt-14-dev ccache meson python3 bison flex ca-certificates debian-archive-keyring llvm-14 \
           make gcc libc6-dev gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu bc libssl-dev libelf-dev perl \
           debootstrap; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  command -v npm >/dev/null || missing+=(npm)   # any node/npm will do (deps/toolchain.sh)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ -n "$CHECK" ]; then
  echo "missing packages: ${missing[*]}" >&2
  exit 1
fi
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
exec 7>/run/lock/pmemreclaim-apt.lock
flock 7
echo "host-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
lock=(-o DPkg::Lock::Timeout=600)
if ! $SUDO apt-get "${lock[@]}" install -y --no-install-recommends "${missing[@]}"; then
  $SUDO apt-get "${lock[@]}" update
  $SUDO apt-get "${lock[@]}" install -y --no-install-recommends "${missing[@]}"
fi
