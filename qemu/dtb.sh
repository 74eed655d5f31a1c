#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Device tree for an arm64 QEMU `virt` guest with RAM carved as pmem (device-tree pmem-region nodes).
#
#   qemu/dtb.sh --pmem START:SIZE[,START:SIZE...] [--mem 8G] [--smp 2] [--cpu max] [--numa]
#               [--pmem-node N|none] [--out FILE]
#
#   Dumps QEMU's own DTB (-machine virt,dumpdtb=F with the same -m/-smp/-cpu/-numa as the real boot),
#   turns it into source with dtc, adds one node per carve
#       pmem@START { compatible = "pmem-region"; reg = <START SIZE>; [numa-node-id = <N>;] };
#   and compiles it back. Boot it with `-dtb FILE` (qemu/vm.sh --arch arm64 --pmem ... does all this).
#   START/SIZE: hex or decimal bytes, or with a K/M/G suffix (0x1c0000000:2G, 7G:96M).
#   --numa         the guest has one NUMA node 0 (QEMU -numa node,nodeid=0,cpus=0-N,memdev=ram0)
#   --pmem-node N  numa-node-id of the pmem nodes; default 0 with --numa, none (no property) without
#   --out FILE     copy the result there; without it the cached path is printed
# QEMU replaces the /memory node(s) of a -dtb with the whole -m at boot: the carve must be kept out of
# the kernel's RAM with mem= on the command line (virt RAM starts at 0x40000000: mem=6G with -m 8G leaves
# 0x1c0000000-0x23fffffff to the carve).
# Cached under .cache/dtb/<sha256 of the inputs and the QEMU version>.dtb (.dts beside it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${PMEMRECLAIM_CACHE:-$ROOT/.cache}
usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "dtb.sh: $*" >&2; exit 1; }

PMEM='' MEM=8G SMP=2 CPU=max NUMA=0 NODE=default OUT=''
while [ $# -gt 0 ]; do
  case "$1" in
    --pmem) PMEM=${2:?}; shift ;;
    --mem) MEM=${2:?}; shift ;;
    --smp) SMP=${2:?}; shift ;;
    --cpu) CPU=${2:?}; shift ;;
    --numa) NUMA=1 ;;
    --pmem-node) NODE=${2:?}; shift ;;
    --out) OUT=${2:?}; shift ;;
    -h|--help) usage ;;
    *) echo "dtb.sh: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
[ -n "$PMEM" ] || usage
[ "$NODE" = default ] && { [ "$NUMA" = 1 ] && NODE=0 || NODE=none; }

bytes() {   # 0x1c0000000 | 7G | 96M | 4096 -> decimal
  case "$1" in
    *[Gg]) echo $(( ${1%?} << 30 )) ;; *[Mm]) echo $(( ${1%?} << 20 )) ;; *[Kk]) echo $(( ${1%?} << 10 )) ;;
    *) echo $(( $1 )) ;;
  esac
}
cells() { printf '0x%x 0x%08x' $(( $1 >> 32 )) $(( $1 & 0xffffffff )); }

"$ROOT/qemu/host-deps.sh" --arch arm64 >&2
qver=$(qemu-system-aarch64 --version | head -1)
key=$(printf '%s\n' "v1" "$qver" "$PMEM" "$MEM" "$SMP" "$CPU" "$NUMA" "$NODE" | sha256sum | cut -c1-16)
dir=$CACHE/dtb
f=$dir/$key.dtb
if [ ! -s "$f" ]; then
  mkdir -p "$dir"
  tmp=$(mktemp -d "$dir/.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  numa=()
  if [ "$NUMA" = 1 ]; then
    numa=(-object "memory-backend-ram,id=ram0,size=$MEM" -numa "node,nodeid=0,cpus=0-$((SMP - 1)),memdev=ram0")
  fi
  qemu-system-aarch64 -machine "virt,dumpdtb=$tmp/qemu.dtb" -cpu "$CPU" -m "$MEM" -smp "$SMP" \
      ${numa[@]+"${numa[@]}"} -nographic -display none >"$tmp/qemu.out" 2>&1 \
    || { cat "$tmp/qemu.out" >&2; die "qemu-system-aarch64 dumpdtb failed"; }
  [ -s "$tmp/qemu.dtb" ] || die "no DTB dumped"
  dtc -q -I dtb -O dts -o "$tmp/qemu.dts" "$tmp/qemu.dtb"
  {
    cat "$tmp/qemu.dts"
    echo
    echo "/* pmem carves added by qemu/dtb.sh: $PMEM${NUMA:+ numa=$NUMA} pmem-node=$NODE */"
    echo "/ {"
    IFS=, read -ra carves <<< "$PMEM"
    for c in "${carves[@]}"; do
      [[ "$c" == *:* ]] || die "bad carve '$c' (START:SIZE)"
      s=$(bytes "${c%%:*}"); z=$(bytes "${c#*:}")
      [ "$z" -gt 0 ] || die "bad size in '$c'"
      printf '\tpmem@%x {\n\t\tcompatible = "pmem-region";\n\t\treg = <%s %s>;\n' "$s" "$(cells "$s")" "$(cells "$z")"
      [ "$NODE" = none ] || printf '\t\tnuma-node-id = <%d>;\n' "$NODE"
      printf '\t};\n'
    done
    echo "};"
  } > "$tmp/out.dts"
  dtc -q -I dts -O dtb -o "$tmp/out.dtb" "$tmp/out.dts"
  mv "$tmp/out.dts" "$dir/$key.dts"
  mv "$tmp/out.dtb" "$f"
fi
if [ -n "$OUT" ]; then cp "$f" "$OUT"; echo "$OUT"; else echo "$f"; fi
