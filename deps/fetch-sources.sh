#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Makes every tarball pinned in deps/sources.sha256 available as
#   .cache/sources/<sha256>/<file>
# and verifies it. Cached tarballs need no network. A missing one is fetched with apt from Debian's
# deb-src index through a PRIVATE apt configuration under .cache/apt/ (the machine's apt setup is
# not touched): URIs and Signed-By are copied at run time from the machine's own Debian source
# (/etc/apt/sources.list.d/debian.sources), the suite comes from deps/sources.sha256.
# apt checks the file against the signed Sources index; this script then checks our pin.
#   deps/fetch-sources.sh            fetch/verify all
#   deps/fetch-sources.sh --path F   print the cached path of file F (after fetching)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SRC="$ROOT/.cache/sources"
APTDIR="$ROOT/.cache/apt"
MACHINE_SOURCES=${MACHINE_SOURCES:-/etc/apt/sources.list.d/debian.sources}
log() { echo "fetch-sources: $*" >&2; }

apt_opts=()
apt_ready=0
setup_apt() {
    ((apt_ready)) && return 0
    local suites="$1" uris signed
    # The stanza of the main archive (not -security/-updates): its URIs and Signed-By.
    read -r uris signed < <(awk '
        function flush() { if (types ~ /deb/ && suites !~ /-security/ && uris != "" && !done) { print uris, signed; done=1 } types=suites=uris=signed="" }
        /^[[:space:]]*$/ { flush(); next }
        /^Types:/ { sub(/^Types:[[:space:]]*/, ""); types=$0 }
        /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites=$0 }
        /^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); uris=$1 }
        /^Signed-By:/ { sub(/^Signed-By:[[:space:]]*/, ""); signed=$1 }
        END { flush() }' "$MACHINE_SOURCES")
    [[ -n "${uris:-}" ]] || { log "no usable stanza in $MACHINE_SOURCES"; exit 1; }
    mkdir -p "$APTDIR/sources.list.d" "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
    {
        echo "Types: deb-src"
        echo "URIs: $uris"
        echo "Suites: $suites"
        echo "Components: main"
        [[ -n "${signed:-}" ]] && echo "Signed-By: $signed"
    } >"$APTDIR/sources.list.d/deps-src.sources"
    apt_opts=(-o Dir::Etc::SourceList=/dev/null
              -o "Dir::Etc::SourceParts=$APTDIR/sources.list.d"
              -o "Dir::State::Lists=$APTDIR/lists"
              -o "Dir::Cache=$APTDIR/cache"
              -o Dir::State::status=/dev/null
              -o APT::Sandbox::User=root
              -q)
    log "apt-get update (deb-src $suites)"
    apt-get "${apt_opts[@]}" update >&2
    apt_ready=1
}

mapfile -t lines < <(grep -v '^[[:space:]]*#' "$HERE/sources.sha256" | grep -v '^[[:space:]]*$')
all_suites=$(printf '%s\n' "${lines[@]}" | awk '{print $4}' | sort -u | tr '\n' ' ')

want_path=""
[[ "${1:-}" == "--path" ]] && want_path=$2

for l in "${lines[@]}"; do
    read -r sha file pkgver suite <<<"$l"
    dest="$SRC/$sha/$file"
    if [[ ! -f "$dest" ]] || ! echo "$sha  $dest" | sha256sum -c --status; then
        setup_apt "$all_suites"
        # apt-get source would also fetch .dsc/.debian.tar.xz (not needed; some mirrors 404 them):
        # take the orig tarball's URI and the sha256 of the signed index, and let apt fetch it.
        uri_line=$(apt-get "${apt_opts[@]}" source --print-uris "$pkgver" 2>/dev/null |
                   awk -v f="$file" '$2 == f')
        [[ -n "$uri_line" ]] || { log "$pkgver / $file is not in the $suite deb-src index any more; put the tarball at $dest"; exit 1; }
        uri=$(echo "$uri_line" | awk '{print $1}' | tr -d "'")
        idxsha=$(echo "$uri_line" | awk '{print $4}')
        [[ "$idxsha" == "SHA256:$sha" ]] || { log "$file: index says $idxsha, pin says $sha"; exit 1; }
        mkdir -p "$SRC/$sha"
        log "fetching $file ($pkgver, $suite)"
        /usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$uri" "$dest.part" "SHA256:$sha" >&2
        mv "$dest.part" "$dest"
        echo "$sha  $dest" | sha256sum -c --status || { log "$file: sha256 mismatch"; rm -f "$dest"; exit 1; }
    fi
    [[ "$want_path" == "$file" ]] && echo "$dest"
done
exit 0
