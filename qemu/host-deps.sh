#!/bin/bash
# Install the Debian packages the qemu/, initrd/ and tests/boot/ scripts need.
# Idempotent and quick when everything is present. Needs root (or sudo) to install.
#   usage: qemu/host-deps.sh [--check]    (--check: only report what is missing, exit 1 if any)
set -euo pipefail

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
)
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

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "${1:-}" = --check ]; then
  echo "missing packages: ${missing[*]}" >&2
  exit 1
fi
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "host-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
