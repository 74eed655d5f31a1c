#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A cached minimal Debian root (debootstrap --variant=minbase) with extra packages, and a way to run
# commands in a throwaway writable view of it: build initramfs images with the distribution's own tools
# (initrd/mkinitramfs.sh), install a .deb, ... without touching the host or the cached root.
#
#   qemu/debian-root.sh path [--suite S] [--with "PKG..."] [--fetch "PKG..."] [--refresh]
#       create the root if needed (cached, idempotent) and print its directory
#   qemu/debian-root.sh run  [--suite S] [--with "PKG..."] [--fetch "PKG..."] [--copy SRC:DEST]... [--bind SRC:DEST[:ro]]...
#                            [--env NAME=VALUE]... -- COMMAND [ARGS...]
#       run COMMAND (a path inside the root, e.g. mkinitramfs, apt-get) chrooted into a throwaway view
#       of the root: an overlayfs whose upper layer is a temporary directory, in a private mount namespace
#       (unshare -m) with /proc, /sys and /dev mounted. Every change COMMAND makes is dropped when it
#       exits, except in --bind directories; exits with COMMAND's status.
#         --copy SRC:DEST     copy the host file or directory SRC to DEST in the view first (e.g. a kernel
#                             config to /boot/config-KVER, a .deb to /tmp/x.deb); parents are created
#         --bind SRC:DEST     bind mount the host directory (or file) SRC at DEST (created in the view);
#                             ":ro" read-only (e.g. a kernel's modules at /lib/modules/KVER); an output
#                             directory is bound read-write
#         --env NAME=VALUE    in COMMAND's environment, which is otherwise only PATH, HOME=/root, LANG=C.UTF-8
#                             and DEBIAN_FRONTEND=noninteractive
#       The host's /etc/resolv.conf is copied into the view, so apt-get inside can reach the mirror.
#
#   --suite S      Debian suite (default bookworm); the architecture is the host's (dpkg --print-architecture)
#   --with PKGS    packages installed on top of minbase with apt-get (Recommends included, as on an installed
#                  system), e.g. "initramfs-tools" (+ busybox and zstd, its Recommends) or "initramfs-tools ndctl"
#   --fetch PKGS   packages downloaded into the root's apt cache but not installed (its name gets
#                  "+fetched-PKGS"): a `run` can then install them with `apt-get install --no-download`,
#                  without the network, e.g. switch the root's initramfs generator to dracut
#   --refresh      rebuild this root (and the minbase it is copied from) from scratch
#
# Where: ${PMEMRECLAIM_CACHE:-<repo>/.cache}/debian-root/<suite>-<arch>/minbase (debootstrap's result) and
# .../<suite>-<arch>/<packages joined by +> (a copy of minbase + the packages). A root is complete when its
# .pmemreclaim-root stamp exists; a half-made one is rebuilt. A lock (flock) serialises builders.
# The mirror and keyring are the host's: the URIs and Signed-By of the first stanza of
# /etc/apt/sources.list.d/debian.sources (HOST_SOURCES) whose Suites list the suite; when the suite is the
# host's own, that file is the root's apt source list too (updates and security included), else a one-stanza
# list for the suite. Needs root; installs debootstrap on the host with apt-get when missing.
# Cold (bookworm, 2 CPUs, measured): minbase 60 s, + initramfs-tools 10-20 s, a second package set (a copy of
# minbase + its packages) 10-30 s; warm: `path` and starting a `run` take well under a second.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${PMEMRECLAIM_CACHE:-$ROOT/.cache}
HOST_SOURCES=${HOST_SOURCES:-/etc/apt/sources.list.d/debian.sources}
PATH=$PATH:/usr/sbin:/sbin
SELF=$(readlink -f "${BASH_SOURCE[0]}")

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "debian-root.sh: $*" >&2; exit 1; }
log() { echo "debian-root.sh: $*" >&2; }

# ---- the private mount namespace part of `run` (re-executed through unshare -m) ----
if [ "${1:-}" = __view ]; then
  shift
  VROOT=$1 VDIR=$2; shift 2
  COPIES=() BINDS=() ENVS=()
  while [ "$1" != -- ]; do
    case "$1" in
      --copy) COPIES+=("$2") ;; --bind) BINDS+=("$2") ;; --env) ENVS+=("$2") ;;
    esac
    shift 2
  done
  shift
  V=$VDIR/root
  mount -t overlay overlay -o "lowerdir=$VROOT,upperdir=$VDIR/upper,workdir=$VDIR/work" "$V"
  mount -t proc proc "$V/proc"
  mount --rbind /sys "$V/sys"
  mount --rbind /dev "$V/dev"
  # (a symlink in the root is removed first: an absolute one would point into the host)
  if [ -e /etc/resolv.conf ]; then rm -f "$V/etc/resolv.conf"; cp -L /etc/resolv.conf "$V/etc/resolv.conf" 2>/dev/null || true; fi
  for c in ${COPIES[@]+"${COPIES[@]}"}; do
    src=${c%%:*} dest=${c#*:}
    [ -e "$src" ] || die "--copy $src: no such file"
    mkdir -p "$(dirname "$V/$dest")"
    [ ! -L "$V/$dest" ] || rm -f "$V/$dest"
    cp -a --dereference "$src" "$V/$dest"
  done
  for b in ${BINDS[@]+"${BINDS[@]}"}; do
    src=${b%%:*} rest=${b#*:} ro=
    case "$rest" in *:ro) ro=1; rest=${rest%:ro} ;; esac
    [ -e "$src" ] || die "--bind $src: no such file or directory"
    if [ -d "$src" ]; then mkdir -p "$V/$rest"; else mkdir -p "$(dirname "$V/$rest")"; touch "$V/$rest"; fi
    mount --bind "$src" "$V/$rest"
    [ -z "$ro" ] || mount -o remount,bind,ro "$V/$rest"
  done
  exec chroot "$V" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive ${ENVS[@]+"${ENVS[@]}"} "$@"
fi

[ $# -ge 1 ] || usage
CMD=$1; shift
case "$CMD" in path|run) ;; -h|--help|help) usage ;; *) usage ;; esac
SUITE=bookworm WITH='' FETCH='' REFRESH='' VIEWARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) SUITE=${2:?}; shift ;;
    --with) WITH=${2?}; shift ;;
    --fetch) FETCH=${2?}; shift ;;
    --refresh) REFRESH=1 ;;
    --copy|--bind|--env) [ "$CMD" = run ] || usage; VIEWARGS+=("$1" "${2:?}"); shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "debian-root.sh: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
if [ "$CMD" = run ] && [ $# -eq 0 ]; then usage; fi
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts)"
ARCH=$(dpkg --print-architecture)
PKGS=$(printf '%s\n' $WITH | sort -u | tr '\n' ' ' | sed 's/ $//')
NAME=$(printf '%s' "$PKGS" | tr ' ' '+'); NAME=${NAME:-minbase}
FETCHED=$(printf '%s\n' $FETCH | sort -u | tr '\n' ' ' | sed 's/ $//')
[ -z "$FETCHED" ] || NAME=$NAME+fetched-$(printf '%s' "$FETCHED" | tr ' ' '+')
TOP=$CACHE/debian-root/$SUITE-$ARCH
STAMP=.pmemreclaim-root

host_codename() { . /etc/os-release; echo "${VERSION_CODENAME:-unknown}"; }

# the URIs and Signed-By of the first stanza of the host's debian.sources whose Suites list $1
mirror_of() {
  [ -r "$HOST_SOURCES" ] || die "cannot read $HOST_SOURCES (needed to derive the mirror)"
  awk -v suite="$1" '
    function flush() { if (s ~ " "suite"( |$)" && u != "") { print u, k; done = 1; exit } u = ""; s = ""; k = "" }
    /^[ \t]*$/ { flush(); next }
    /^URIs:/ { u = $2 } /^Suites:/ { s = $0 } /^Signed-By:/ { k = $2 }
    END { if (!done) flush() }' "$HOST_SOURCES"
}

make_minbase() {
  local dir=$TOP/minbase uri key
  if [ -z "$REFRESH" ] && [ -e "$dir/$STAMP" ]; then return 0; fi
  command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >&2; } \
      || die "cannot install debootstrap"
  }
  # a suite the host does not list (e.g. trixie on bookworm): the host's main archive, same keyring
  read -r uri key < <(mirror_of "$SUITE"; mirror_of "$(host_codename)") || true
  [ -n "${uri:-}" ] || die "no URIs: in $HOST_SOURCES"
  local t0=$SECONDS
  rm -rf "$dir" "$dir.new"; mkdir -p "$TOP"
  log "debootstrap --variant=minbase $SUITE ($ARCH) from $uri into $dir"
  debootstrap --variant=minbase --arch="$ARCH" ${key:+--keyring="$key"} "$SUITE" "$dir.new" "$uri" \
      > "$TOP/minbase.log" 2>&1 || { tail -n 20 "$TOP/minbase.log" >&2; die "debootstrap failed (log: $TOP/minbase.log)"; }
  # apt sources of the root: the host's own file for the host's suite (with updates and security)
  rm -f "$dir.new/etc/apt/sources.list"; mkdir -p "$dir.new/etc/apt/sources.list.d"
  if [ "$SUITE" = "$(host_codename)" ]; then
    cp "$HOST_SOURCES" "$dir.new/etc/apt/sources.list.d/debian.sources"
  else
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n%s\n' "$uri" "$SUITE" \
      "${key:+Signed-By: $key}" > "$dir.new/etc/apt/sources.list.d/debian.sources"
  fi
  # no services started by package scripts in the root
  printf '#!/bin/sh\nexit 101\n' > "$dir.new/usr/sbin/policy-rc.d"; chmod 755 "$dir.new/usr/sbin/policy-rc.d"
  apt-get clean -o RootDir="$dir.new" 2>/dev/null || rm -f "$dir.new"/var/cache/apt/archives/*.deb
  date -u +%FT%TZ > "$dir.new/$STAMP"
  mv "$dir.new" "$dir"
  log "minbase $SUITE-$ARCH ready in $((SECONDS - t0)) s"
}

make_root() {
  local dir=$TOP/$NAME
  if [ -z "$REFRESH" ] && [ -e "$dir/$STAMP" ]; then return 0; fi
  make_minbase
  [ "$NAME" = minbase ] && return 0
  export FETCHED
  local t0=$SECONDS
  rm -rf "$dir" "$dir.new"
  cp -a "$TOP/minbase" "$dir.new"
  rm -f "$dir.new/$STAMP"
  log "installing $PKGS into $dir"
  # A root that installs a kernel gets its first initramfs from the kernel's postinst. No user of these roots
  # boots that image (the whole-system tests boot the images their package steps make), so it is made with
  # MODULES=list (only what hooks add): seconds, where Debian's MODULES=most took a minute of mkinitramfs
  # (about 13000 processes; a process costs about 4 ms on these machines). The setting is removed after the
  # install: the root keeps Debian's default configuration, and every later image is a MODULES=most one.
  # shellcheck disable=SC2086
  if ! unshare --mount --propagation private -- bash -c '
      set -e; r=$1; shift
      mount -t proc proc "$r/proc"; mount --rbind /sys "$r/sys"; mount --rbind /dev "$r/dev"
      cp -L /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
      mkdir -p "$r/etc/initramfs-tools/conf.d" && echo MODULES=list > "$r/etc/initramfs-tools/conf.d/zz-root-build"
      chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
          DEBIAN_FRONTEND=noninteractive FETCHED="$FETCHED" sh -c "apt-get -q update && apt-get -q -y upgrade && apt-get -q -y install \"\$@\" && apt-get clean && { [ -z \"\$FETCHED\" ] || apt-get -q -y install --download-only \$FETCHED; }" sh "$@"
      rm "$r/etc/initramfs-tools/conf.d/zz-root-build"
      ' bash "$dir.new" $PKGS > "$TOP/$NAME.log" 2>&1; then
    tail -n 20 "$TOP/$NAME.log" >&2; die "apt-get install $PKGS failed (log: $TOP/$NAME.log)"
  fi
  chroot "$dir.new" dpkg-query -W -f '${Package} ${Version}\n' > "$dir.new/.pmemreclaim-packages"
  date -u +%FT%TZ > "$dir.new/$STAMP"
  mv "$dir.new" "$dir"
  log "$SUITE-$ARCH root with $PKGS ready in $((SECONDS - t0)) s"
}

mkdir -p "$TOP"
exec 9> "$TOP/.lock"
flock 9
make_root
flock -u 9
exec 9>&-
RDIR=$TOP/$NAME

if [ "$CMD" = path ]; then echo "$RDIR"; exit 0; fi

# ---- run: a throwaway view ----
VDIR=$(mktemp -d "$TOP/.view.XXXXXX")
trap 'rm -rf "$VDIR"' EXIT
mkdir "$VDIR/upper" "$VDIR/work" "$VDIR/root"
rc=0
unshare --mount --propagation private -- "$SELF" __view "$RDIR" "$VDIR" ${VIEWARGS[@]+"${VIEWARGS[@]}"} -- "$@" || rc=$?
exit "$rc"
