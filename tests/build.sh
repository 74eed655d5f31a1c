#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds everything the tests and the demo need, from a fresh Debian 12 machine:
#   Debian packages, the pinned zig toolchain, the static dependencies (deps/build.sh), the static
#   pmemreclaim for TARGET (default x86_64-linux-musl) in build/TARGET/pmemreclaim, and the host
#   build in build/host: the unit tests and the host pmemreclaim under ASan + UBSan (one build of the
#   unit tests, run once, by ctest beside the boot tests), the boot test registration. The aarch64
#   dependencies build in the background while the x86_64 ones and binary build (their configure
#   steps are serial: two of them keep both cores busy).
#   usage: tests/build.sh [--static-only] [TARGET]   prints the static binary's path on stdout
#   --static-only: only the static binary for TARGET (what qemu/demo.sh needs): no aarch64 binary, no host,
#   ASan or fuzz trees
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATIC_ONLY=0
[ "${1:-}" = --static-only ] && { STATIC_ONLY=1; shift; }
TARGET=${1:-x86_64-linux-musl}
cd "$ROOT"
log() { echo "build: $*" >&2; }

# Host packages: QEMU and test-image tools, dependency build tools, the host (unit test) build.
qemu/host-deps.sh >&2
deps/toolchain.sh --host-tools >/dev/null
host_pkgs=(g++ cmake ninja-build pkg-config catch2 nlohmann-json3-dev libndctl-dev libdaxctl-dev libkmod-dev uuid-dev
           clang-14 libclang-rt-14-dev ccache)
missing=()
for p in "${host_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# Every compile of the program goes through ccache (tests/ccache.sh): a warm run recompiles only what changed.
. "$ROOT/tests/ccache.sh"
launcher=("${CCACHE_LAUNCHER[@]}")
zig_check=$ZIG_CCACHE_CHECK
ccache -z >/dev/null

# The aarch64 dependencies beside the x86_64 ones (the sources fetched first, once: no two downloads of
# one tarball).
arm_deps=
if [ "$STATIC_ONLY" = 0 ] && [ "$TARGET" = x86_64-linux-musl ]; then
  deps/fetch-sources.sh >&2
  mkdir -p .cache/logs
  deps/build.sh aarch64-linux-musl > .cache/logs/deps-aarch64.log 2>&1 &
  arm_deps=$!
fi

# The static binary (configuring runs deps/build.sh TARGET; seconds when cached).
t0=$SECONDS
cmake -S . -B "build/$TARGET" -G Ninja -DCMAKE_TOOLCHAIN_FILE=deps/zig-toolchain.cmake \
  -DPMEMRECLAIM_TARGET="$TARGET" -DPMEMRECLAIM_STATIC=ON -DPMEMRECLAIM_UNIT_TESTS=OFF "${launcher[@]}" >&2
CCACHE_COMPILERCHECK=$zig_check ninja -C "build/$TARGET" >&2
bin=$ROOT/build/$TARGET/pmemreclaim
log "static $TARGET binary in $((SECONDS - t0)) s: $bin ($(stat -c %s "$bin") bytes, $(file -b "$bin" | cut -d, -f1-4))"

if [ "$STATIC_ONLY" = 1 ]; then echo "$bin"; exit 0; fi

# The same for aarch64 (the arm64 boot tests take build/aarch64-linux-musl/pmemreclaim).
if [ "$TARGET" = x86_64-linux-musl ]; then
  wait "$arm_deps" || { tail -n 30 .cache/logs/deps-aarch64.log >&2; log "deps/build.sh aarch64-linux-musl failed"; exit 1; }
  cmake -S . -B build/aarch64-linux-musl -G Ninja -DCMAKE_TOOLCHAIN_FILE=deps/zig-toolchain.cmake \
    -DPMEMRECLAIM_TARGET=aarch64-linux-musl -DPMEMRECLAIM_STATIC=ON -DPMEMRECLAIM_UNIT_TESTS=OFF "${launcher[@]}" >&2
  CCACHE_COMPILERCHECK=$zig_check ninja -C build/aarch64-linux-musl >&2
  log "static aarch64 binary: $(stat -c %s build/aarch64-linux-musl/pmemreclaim) bytes"
fi

# The host build: unit tests under ASan + UBSan, and the boot tests pointed at the static binary. clang at
# -O1 (what the sanitizers' documentation suggests): the unit tests compile in 107 s instead of about 6
# minutes with g++ -O3 (reclaim_test.cc alone: 9 s against 32 s) and run in 6.5 s. The fuzz tree: the same.
host_cc=(-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14
         "-DCMAKE_C_FLAGS_RELEASE=-O1 -DNDEBUG" "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG")
cmake -S . -B build/host -G Ninja -DPMEMRECLAIM_STATIC_BINARY="$bin" -DPMEMRECLAIM_SANITIZE=address,undefined \
  "${host_cc[@]}" "${launcher[@]}" >&2
ninja -C build/host >&2
# The libFuzzer targets (clang).
cmake -S . -B build/fuzz -G Ninja "${host_cc[@]}" \
  -DPMEMRECLAIM_FUZZ=ON -DPMEMRECLAIM_UNIT_TESTS=OFF "${launcher[@]}" >&2
ninja -C build/fuzz cmdline_fuzz iomem_fuzz plan_fuzz json_read_fuzz >&2
log "ccache: $(ccache -s | tr -s ' ' | grep -E '^ *(Hits|Misses):' | tr '\n' ' ')"
echo "$bin"
