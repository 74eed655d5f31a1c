#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deps/build.sh TARGET     (TARGET = x86_64-linux-musl | aarch64-linux-musl)
#
# Builds static libkmod.a, libuuid.a, libdaxctl.a, libndctl.a (+ headers, .pc files) with the
# pinned zig toolchain from the Debian source tarballs pinned in deps/sources.sha256 into
#   .cache/deps/TARGET/prefix/{include,lib,lib/pkgconfig}
# Static only, -O2, no LTO. Only the public API (kmod_*, uuid_*, daxctl_*, ndctl_*) stays global
# in the archives: each archive is merged into one relocatable object (ld.lld -r) whose other
# symbols are made local (llvm-objcopy --keep-global-symbols=<the library's version script>).
# A stamp keyed by target + source sha256s + these recipe files makes reruns take seconds.
# libndctl needs five libudev functions at link time: src/udev_queue.c provides them.
set -euo pipefail
T0=$SECONDS
TARGET=${1:-}
case "$TARGET" in
    x86_64-linux-musl) CPU=x86_64 ;;
    aarch64-linux-musl) CPU=aarch64 ;;
    *) echo "usage: $0 x86_64-linux-musl|aarch64-linux-musl" >&2; exit 2 ;;
esac
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# The cache's real path (CI links .cache to a folder that outlives the clone): the stamp below names the
# prefix, so that every checkout sharing the cache shares one build of the dependencies.
mkdir -p "$ROOT/.cache/deps"
OUT="$(cd "$ROOT/.cache/deps" && pwd -P)/$TARGET"
PREFIX="$OUT/prefix"
B="$OUT/build"
JOBS=${JOBS:-$(nproc)}
export ZIG_GLOBAL_CACHE_DIR="${ZIG_GLOBAL_CACHE_DIR:-$ROOT/.cache/zig-cache}"

log() { echo "deps[$TARGET]: $*" >&2; }
step_t=$SECONDS
step() { log "$1 done in $((SECONDS - step_t)) s"; step_t=$SECONDS; }

BIN=$("$HERE/toolchain.sh" --wrappers)
step "toolchain"

# --- stamp: target + pinned sources + recipe -----------------------------------------------------
key=$( { echo "$TARGET $PREFIX"; cat "$HERE/sources.sha256" "$HERE/build.sh" "$HERE/libuuid-config.h" "$HERE/zig-wrap" \
          "$HERE/zig/package-lock.json"; } | sha256sum | cut -d' ' -f1)
if [[ -f "$OUT/stamp" && "$(cat "$OUT/stamp")" == "$key" && -f "$PREFIX/lib/libndctl.a" ]]; then
    log "up to date ($PREFIX), $((SECONDS - T0)) s"
    exit 0
fi

"$HERE/fetch-sources.sh"
src() { "$HERE/fetch-sources.sh" --path "$1"; }
step "sources"

rm -rf "$B" "$PREFIX" "$OUT/stamp" "$OUT/logs"
mkdir -p "$B" "$PREFIX/include" "$PREFIX/lib/pkgconfig"
CC="$BIN/$TARGET-cc"

# Meson cross file: the wrappers, and pkg-config confined to our prefix (+ the libudev stub .pc).
cat >"$B/cross.ini" <<EOF
[binaries]
c = '$CC'
ar = '$BIN/$TARGET-ar'
strip = '$BIN/$TARGET-strip'
pkgconfig = 'pkg-config'

[properties]
pkg_config_libdir = ['$PREFIX/lib/pkgconfig', '$B/udev-stub/pkgconfig']

[host_machine]
system = 'linux'
cpu_family = '$CPU'
cpu = '$CPU'
endian = 'little'
EOF
# -O2 comes from the wrapper (buildtype=plain adds no -O of its own); no LTO. (Static libraries
# stay PIC, meson's default: kmod links its static helper library into libkmod.so.)
MESON_COMMON=(--cross-file "$B/cross.ini" --prefix=/usr -Dbuildtype=plain -Ddebug=false
              -Db_lto=false -Db_pie=false -Ddefault_library=static
              -Dwrap_mode=nodownload)

# Symbols named in a GNU ld version script's global sections (the library's public ABI).
api_symbols() { sed -e 's/#.*//' -e 's,/\*.*\*/,,g' "$@" | grep -Eo '^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*[[:space:]]*;' | tr -d ' \t;' | sort -u; }

# install_archive OUT.a SYMFILE IN.a...: all members of the IN archives merged into one
# relocatable object in OUT.a, in which only the names of the version script SYMFILE stay global.
install_archive() {
    local out=$1 sym=$2 tmp o
    shift 2
    tmp=$(mktemp -d "$B/localise.XXXXXX")
    o="$tmp/$(basename "$out" .a).o"
    api_symbols "$sym" >"$tmp/keep"
    "$BIN/$TARGET-ld" -r --whole-archive "$@" -o "$tmp/merged.o"
    "$BIN/$TARGET-objcopy" --keep-global-symbols="$tmp/keep" "$tmp/merged.o" "$o"
    rm -f "$out"
    "$BIN/$TARGET-ar" rcs "$out" "$o"
    # every defined global must be an API name
    local extra
    extra=$("$BIN/$TARGET-nm" -g --defined-only "$out" | awk 'NF==3 {print $3}' | sort -u | comm -23 - "$tmp/keep")
    [[ -z "$extra" ]] || { log "non-API globals left in $out: $extra"; exit 1; }
    log "$(basename "$out"): $(wc -l <"$tmp/keep") API symbols kept global, $(stat -c %s "$out") bytes"
}

# --- kmod (libkmod only; no compression libs: .ko.xz/.ko.zst are handed to the kernel, which
#     decompresses them itself when /sys/module/compression names that format) ----------------
tar -C "$B" -xf "$(src kmod_34.2.orig.tar.xz)"
meson setup "$B/kmod-build" "$B/kmod-34.2" "${MESON_COMMON[@]}" \
    -Dtools=false -Dmanpages=false -Ddocs=false -Dbuild-tests=false \
    -Dzstd=disabled -Dxz=disabled -Dzlib=disabled -Dopenssl=disabled \
    -Dbashcompletiondir=no -Dfishcompletiondir=no -Dzshcompletiondir=no >"$B/kmod-setup.log" \
    || { cat "$B/kmod-setup.log"; exit 1; }
# libkmod-internal.a = the objects of libkmod.so (without linking the .so); libshared.a = its
# helpers (hash, strbuf, util, array), which libkmod.so links in.
ninja -C "$B/kmod-build" -j"$JOBS" libkmod-internal.a libshared.a >"$B/kmod-ninja.log" || { cat "$B/kmod-ninja.log"; exit 1; }
install_archive "$PREFIX/lib/libkmod.a" "$B/kmod-34.2/libkmod/libkmod.sym" \
    "$B/kmod-build/libkmod-internal.a" "$B/kmod-build/libshared.a"
cp "$B/kmod-34.2/libkmod/libkmod.h" "$PREFIX/include/"
cat >"$PREFIX/lib/pkgconfig/libkmod.pc" <<EOF
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libkmod
Description: Library to deal with kernel modules
Version: 34.2
Libs: -L\${libdir} -lkmod
Cflags: -I\${includedir}
EOF
step "kmod 34.2"

# --- libuuid from util-linux: its 14 sources compiled directly ----------------------------------
# util-linux's meson.build runs 254 configure checks before it builds anything (about 100 core-seconds per
# target, measured: each check is a zig compile); libuuid reads 49 of the results. deps/libuuid-config.h
# holds those 49, as meson 1.0.1 found them for both musl targets with this zig (its config.h, filtered to
# the macros the libuuid sources and the headers they include name; the objects' code is meson's, the same
# disassembly, checked when the header was made). The sources and flags are those of meson's libuuid
# target; the list is checked against libuuid/meson.build below.
UL=$B/util-linux-2.41.5
tar -C "$B" -xf "$(src util-linux_2.41.5.orig.tar.xz)"
uuid_sources=(libuuid/src/{clear,compare,copy,gen_uuid,isnull,pack,parse,uuid_time,predefined,unpack,unparse}.c
              lib/{randutils,md5,sha1}.c)
listed=$(sed -n "s/.*'\?src\/\([a-z_]*\.c\).*/\1/p" "$UL/libuuid/meson.build" | sort -u | tr '\n' ' ')
[[ "$listed" == "clear.c compare.c copy.c gen_uuid.c isnull.c pack.c parse.c predefined.c unpack.c unparse.c uuid_time.c " ]] \
    || { log "util-linux's libuuid/meson.build lists other sources than this recipe: $listed"; exit 1; }
mkdir -p "$B/ul-build"
for f in "${uuid_sources[@]}"; do
    o="$B/ul-build/$(basename "$f" .c).o"
    echo "$CC -c $f" >>"$B/ul-ninja.log"
    "$CC" -I"$UL/libuuid" -I"$UL/include" -I"$UL/libuuid/src" -D_FILE_OFFSET_BITS=64 -std=c99 -D_GNU_SOURCE \
        -fsigned-char -include "$HERE/libuuid-config.h" -fno-common -fPIC -pthread -c "$UL/$f" -o "$o" \
        2>>"$B/ul-ninja.log" || { cat "$B/ul-ninja.log"; exit 1; }
done
"$BIN/$TARGET-ar" rcs "$B/ul-build/libuuid.a" "$B"/ul-build/*.o
install_archive "$PREFIX/lib/libuuid.a" "$UL/libuuid/src/libuuid.sym" "$B/ul-build/libuuid.a"
mkdir -p "$PREFIX/include/uuid"
cp "$UL/libuuid/src/uuid.h" "$PREFIX/include/uuid/"
cat >"$PREFIX/lib/pkgconfig/uuid.pc" <<EOF
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: uuid
Description: Universally unique id library
Version: 2.41.5
Libs: -L\${libdir} -luuid
Cflags: -I\${includedir}/uuid
EOF
step "libuuid (util-linux 2.41.5)"

# --- ndctl: libdaxctl + libndctl -----------------------------------------------------------------
# libudev: a stub header + .pc for compiling only (libndctl calls 5 udev_queue functions; the
# program links src/udev_queue.c). Declarations as in systemd's <libudev.h>.
mkdir -p "$B/udev-stub/include" "$B/udev-stub/pkgconfig"
cat >"$B/udev-stub/include/libudev.h" <<'EOF'
#pragma once
struct udev;
struct udev_queue;
struct udev *udev_new(void);
struct udev *udev_unref(struct udev *udev);
struct udev_queue *udev_queue_new(struct udev *udev);
struct udev_queue *udev_queue_unref(struct udev_queue *udev_queue);
int udev_queue_get_queue_is_empty(struct udev_queue *udev_queue);
EOF
cat >"$B/udev-stub/pkgconfig/libudev.pc" <<EOF
Name: libudev
Description: compile-time stub (functions come from src/udev_queue.c)
Version: 252
Cflags: -I$B/udev-stub/include
Libs:
EOF
tar -C "$B" -xf "$(src ndctl_81.orig.tar.gz)"
# ndctl's top-level meson.build requires json-c and iniparser; only the ndctl/daxctl/cxl command
# line tools use them, not libndctl/libdaxctl (which are all we build). Make both optional in
# this extracted copy, rather than building two unused libraries.
python3 - "$B/ndctl-81/meson.build" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
n0 = s.count("json = dependency('json-c')")
s = s.replace("json = dependency('json-c')", "json = dependency('json-c', required : false)")
a = s.index("iniparser_headers = ['iniparser.h', 'dictionary.h']")
z = s.index("iniparser = declare_dependency(include_directories: iniparserdir, dependencies:iniparser)")
z = s.index("\n", z)
s = s[:a] + "iniparser = dependency('', required : false)  # patched: tools only" + s[z:]
assert n0 == 1
open(p, "w").write(s)
EOF
# musl declares major()/minor() only in <sys/sysmacros.h> (glibc used to pull it in via
# <sys/types.h>); libndctl.c relies on the latter, so force-include it.
meson setup "$B/ndctl-build" "$B/ndctl-81" "${MESON_COMMON[@]}" "-Dc_args=['-include', 'sys/sysmacros.h']" \
    -Dversion-tag=81 -Ddocs=disabled -Dasciidoctor=disabled -Dlibtracefs=disabled \
    -Dsystemd=disabled -Dkeyutils=disabled -Dtest=disabled -Ddestructive=disabled \
    -Dbashcompletiondir=no >"$B/ndctl-setup.log" || { cat "$B/ndctl-setup.log"; exit 1; }
ninja -C "$B/ndctl-build" -j"$JOBS" daxctl/lib/libdaxctl.a ndctl/lib/libndctl.a >"$B/ndctl-ninja.log" \
    || { cat "$B/ndctl-ninja.log"; exit 1; }
install_archive "$PREFIX/lib/libdaxctl.a" "$B/ndctl-81/daxctl/lib/libdaxctl.sym" "$B/ndctl-build/daxctl/lib/libdaxctl.a"
install_archive "$PREFIX/lib/libndctl.a" "$B/ndctl-81/ndctl/lib/libndctl.sym" "$B/ndctl-build/ndctl/lib/libndctl.a"
mkdir -p "$PREFIX/include/ndctl" "$PREFIX/include/daxctl"
cp "$B/ndctl-81/ndctl/libndctl.h" "$B/ndctl-81/ndctl/ndctl.h" "$PREFIX/include/ndctl/"
cp "$B/ndctl-81/daxctl/libdaxctl.h" "$PREFIX/include/daxctl/"
cat >"$PREFIX/lib/pkgconfig/libdaxctl.pc" <<EOF
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libdaxctl
Description: Manage "Device DAX" devices
Version: 81
Requires.private: libkmod uuid
Libs: -L\${libdir} -ldaxctl
Cflags: -I\${includedir}
EOF
cat >"$PREFIX/lib/pkgconfig/libndctl.pc" <<EOF
# libndctl also calls 5 libudev functions (udev_queue): compile src/udev_queue.c into the program.
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libndctl
Description: Manage "libnvdimm" subsystem devices (Non-volatile Memory)
Version: 81
Requires.private: libdaxctl libkmod uuid
Libs: -L\${libdir} -lndctl
Cflags: -I\${includedir}
EOF
step "ndctl 81 (libdaxctl, libndctl)"

# Keep the logs, drop the ~100 MB of extracted sources and build trees.
rm -rf "$OUT/logs"; mkdir -p "$OUT/logs"
mv "$B"/*.log "$OUT/logs/"
rm -rf "$B"
echo "$key" >"$OUT/stamp"
log "all done in $((SECONDS - T0)) s -> $PREFIX (logs: $OUT/logs)"
