# SPDX-License-Identifier: GPL-2.0-or-later
# The ccache settings every CMake tree of the program shares (tests/build.sh, the upgrade tree of
# TEST-system-initramfs-tools), sourced with ROOT set: the cache in .cache/ccache, paths relative to ROOT (a
# tree at the same depth hits the same entries). The zig trees are keyed by the pinned zig and the wrapper
# (CCACHE_COMPILERCHECK=$ZIG_CCACHE_CHECK: the wrapper's mtime would differ between clones); the host's gcc
# and clang by ccache's default (their mtime).
# shellcheck shell=bash
export CCACHE_DIR=$ROOT/.cache/ccache CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=2G
# shellcheck disable=SC2034  # for the scripts that source this file
CCACHE_LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# shellcheck disable=SC2034  # for the scripts that source this file
ZIG_CCACHE_CHECK="string:$(cat "$ROOT/deps/zig/package-lock.json" "$ROOT/deps/zig-wrap" | sha256sum | cut -c1-16)"
