#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the boot tests share and would otherwise make inside the first test that needs it, under that test's
# timeout: the Debian kernels and the arm64 userland (downloads), the Debian 12 roots of the package and
# initramfs-tools tests and the whole installed system of the TEST-system-* tests (debootstrap), the 64K-page arm64 kernel (built from Debian's source: 8-11 minutes
# cold). Each step is cached and takes its own lock, so a second caller (or a boot test run by hand
# meanwhile) waits for the first and then finds the result. Idempotent; seconds when warm.
#   usage: tests/prebuild.sh [downloads|kernel-64k]
#     downloads    the kernels, the userland and the roots (the network and dpkg, not the cores)
#     kernel-64k   the 64K kernel build (two cores, nice 10: whatever runs beside it goes first)
#     (none)       both, in that order
# tests/run.sh starts the two lanes in the background at once, while the host builds run; it waits for the
# downloads before the boot tests, and the 64K tests wait for the kernel through their ctest fixture
# (boot.prebuilt-kernel-64k), not inside their own timeouts.
# Prints one line per step with its time; exit 1 when a step failed (the others still run: the tests that
# need the missing piece fail and say so).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rc=0
step() {   # step WHAT COMMAND...: run it, output to stderr, one line with the result and the time
  local what=$1 t0=$SECONDS; shift
  if "$@" >&2; then echo "prebuild: $what: ok, $((SECONDS - t0)) s"
  else echo "prebuild: $what: FAILED after $((SECONDS - t0)) s"; rc=1; fi
}
what=${1:-all}
case "$what" in downloads|kernel-64k|all) ;; *) echo "usage: tests/prebuild.sh [downloads|kernel-64k]" >&2; exit 2 ;; esac
if [ "$what" != kernel-64k ]; then
  for f in bookworm-amd64 sid-amd64 sid-arm64 sid-arm64-16k; do
    step "kernel $f" "$ROOT/qemu/kernel.sh" fetch "$f"
  done
  step "userland sid-arm64" "$ROOT/qemu/kernel.sh" userland sid-arm64
  step "Debian 12 root (minbase)" "$ROOT/qemu/debian-root.sh" path
  step "Debian 12 root (initramfs-tools)" "$ROOT/qemu/debian-root.sh" path --with initramfs-tools
  step "Debian 12 root (initramfs-tools ndctl)" "$ROOT/qemu/debian-root.sh" path --with "initramfs-tools ndctl"
  # the whole-system tests' root (tests/boot/system.sh: SYSTEM_ROOT)
  step "Debian 12 system" "$ROOT/qemu/debian-root.sh" path --with "systemd-sysv udev initramfs-tools linux-image-amd64 ndctl jq" --fetch dracut
fi
if [ "$what" != downloads ]; then
  step "kernel sid-arm64-64k (built)" "$ROOT/qemu/kernel.sh" fetch sid-arm64-64k
fi
exit $rc
