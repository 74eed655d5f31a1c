# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the tests/boot/TEST-*.sh QEMU scenarios. Source it (bash).
#
# Environment:
#   PMEMRECLAIM_BINARY   static pmemreclaim to install as /sbin/pmemreclaim (placeholder when unset/absent)
#   TB_KERNEL_FLAVOUR    qemu/kernel.sh flavour (default bookworm-amd64)
#   TB_WORK              scratch directory (default .cache/boot-tests/<test name>)
#   TB_TIMEOUT           per-boot hard timeout in seconds (default 300)
#   TB_KEEP=1            keep the scratch directory (RAM file, logs) after a pass
#   TB_APPEND            extra kernel command line for every boot (e.g. nokaslr)
#   TB_SMP               guest CPUs (default 1: the boot tests run two at a time on a 2-core host)
#   TB_QEMU_EXTRA        extra QEMU arguments for every boot (word-split), e.g. "-cpu qemu64,-hypervisor"
#   TB_ARCH              x86_64 (default: pc, memmap= carves) or arm64 (virt -cpu max, device-tree carves)
#   TB_NVDIMM=1          x86_64: qemu/vm.sh --nvdimm (nvdimm=on, slots/maxmem), for NVDIMM and virtio-pmem
#                        devices given in TB_QEMU_EXTRA
#   TB_RAMDIR            where the guest RAM files go (default: /dev/shm/pmemreclaim-boot-tests/<test name>
#                        when /dev/shm is a tmpfs with at least 16 GiB free, else TB_WORK). On tmpfs QEMU's
#                        guest RAM has no disk behind it: the host's kernel time per 8 GiB boot fell from
#                        3.11 to 1.67 s. A guest touches little of its RAM (the test patterns, at most
#                        3 GiB of fill_free), and the files go when the test ends, passed or failed
#                        (TB_KEEP=1 keeps them)
#   TB_RAM_BACKING       file (default: a sparse host file, the RAM-file checks need it) or anon: qemu/vm.sh
#                        --ram-anon, anonymous host memory, gone after the boot (tb_boot's RAMFILE is then
#                        neither created nor used: only for guests whose checks are all in the guest, such
#                        as qemu/bench.sh's); the host's first touch of guest RAM is cheaper
# arm64 only (see qemu/vm.sh, qemu/dtb.sh):
#   TB_PMEM              carves START:SIZE[,START:SIZE...] as device-tree pmem-region nodes
#   TB_MEM_LIMIT         mem= for the kernel (QEMU's DT memory node covers all of TB_MEM), e.g. 6G
#   TB_NUMA=1|0          one NUMA node 0 (default 1); 0: no NUMA description (kmem then rejects dax)
#   TB_PMEM_NODE         numa-node-id of the pmem nodes (default 0 with TB_NUMA=1, none without)
#   Kernel flavour default sid-arm64 (sid-arm64-16k: 16K pages); console ttyAMA0; RAM from GPA
#   0x40000000 = RAM-file offset 0 (TB_RAM_BASE).
# shellcheck shell=bash
set -euo pipefail

TB_ROOT=${TB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TB_NAME=${TB_NAME:-$(basename "$0" .sh)}
TB_WORK=${TB_WORK:-$TB_ROOT/.cache/boot-tests/$TB_NAME}
TB_ARCH=${TB_ARCH:-x86_64}
case "$TB_ARCH" in
  x86_64|amd64) TB_ARCH=x86_64; TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-bookworm-amd64} ;;
  arm64|aarch64) TB_ARCH=arm64; TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64}
    TB_RAM_BASE=${TB_RAM_BASE:-$((0x40000000))}; TB_NUMA=${TB_NUMA:-1}; TB_PMEM=${TB_PMEM:-}
    TB_MEM_LIMIT=${TB_MEM_LIMIT:-}; TB_PMEM_NODE=${TB_PMEM_NODE:-} ;;
  *) echo "lib.sh: unknown TB_ARCH '$TB_ARCH'" >&2; exit 2 ;;
esac
TB_TIMEOUT=${TB_TIMEOUT:-300}
if [ -z "${TB_RAMDIR:-}" ]; then
  TB_RAMDIR=$TB_WORK
  if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] \
     && [ "$(df -k --output=avail /dev/shm 2>/dev/null | tail -1)" -ge $((16 << 20)) ]; then
    TB_RAMDIR=/dev/shm/pmemreclaim-boot-tests/$TB_NAME
    # host memory: the files go however the test ends
    trap '[ "${TB_KEEP:-0}" = 1 ] || rm -rf "$TB_RAMDIR"' EXIT
  fi
fi
TB_MEM=${TB_MEM:-8G}
TB_LOWMEM=${TB_LOWMEM:-$((3 << 30))}   # RAM below 4 GiB on `pc` with >= 3.5 GiB guest RAM
TB_FAILS=0
TB_PASSES=0
# shellcheck disable=SC2034  # for the TEST files and the libraries they source
GiB=$((1 << 30)) MiB=$((1 << 20))

tb_log() { echo "[$TB_NAME] $*"; }
tb_die() { echo "[$TB_NAME] FAIL: $*"; exit 1; }

# tb_setup: host packages, kernel, scratch dir. Sets TB_KDIR.
tb_setup() {
  "$TB_ROOT/qemu/host-deps.sh" --arch "$TB_ARCH"
  TB_KDIR=$("$TB_ROOT/qemu/kernel.sh" fetch "$TB_KERNEL_FLAVOUR")
  mkdir -p "$TB_WORK" "$TB_RAMDIR"
}

# tb_build_initrd [OUT] [--binary PATH|--placeholder] [--extra SRC:DST|--with-module M|--without-module M]...:
# the test image (initrd/build.sh --test: the binary, default PMEMRECLAIM_BINARY, and the image options
# given) in OUT (default $TB_WORK/test.cpio.gz); sets TB_INITRD
tb_build_initrd() {
  TB_INITRD=$TB_WORK/test.cpio.gz
  case "${1:-}" in ''|--*) ;; *) TB_INITRD=$1; shift ;; esac
  local bin=${PMEMRECLAIM_BINARY:-} mode=default imgopts=() extras=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --placeholder) bin='' mode=placeholder ;;
      --binary) bin=$2 mode=binary; shift ;;
      --extra) imgopts+=("$1" "$2"); extras+=("${2%%:*}"); shift ;;
      --with-module|--without-module) imgopts+=("$1" "$2"); shift ;;
      *) tb_die "tb_build_initrd: unknown option $1" ;;
    esac
    shift
  done
  # The same inputs make the same image: one build per kernel, binary, test scripts and options, shared by
  # every test (a copy: a test may write into its own)
  local key dir=$TB_ROOT/.cache/boot-tests/images
  key=$( { echo "$TB_ARCH $(cat "$TB_KDIR/kver") $mode ${imgopts[*]}"; cat "$TB_KDIR/lib/modules/$(cat "$TB_KDIR/kver")/modules.dep";
           cat "$TB_ROOT/initrd/build.sh" "$TB_ROOT/tests/boot/test-init.sh" "$TB_ROOT"/tests/boot/guest/*.sh;
           [ -z "$bin" ] || cat "$bin"; [ ${#extras[@]} -eq 0 ] || cat "${extras[@]}"; } | sha256sum | cut -c1-24)
  if [ ! -s "$dir/$key.cpio.gz" ]; then
    mkdir -p "$dir"
    # shellcheck disable=SC2046  # tb_arch_opt prints nothing or two words
    "$TB_ROOT/initrd/build.sh" --test $(tb_arch_opt) --kernel "$TB_KDIR" ${bin:+--binary "$bin"} ${imgopts[@]+"${imgopts[@]}"} \
      --out "$dir/$key.$$.tmp" 2>&1 | sed "s/^/[$TB_NAME] /"
    [ -s "$dir/$key.$$.tmp" ] || tb_die "initrd/build.sh made no image"
    mv "$dir/$key.$$.tmp" "$dir/$key.cpio.gz"
    # the images of earlier binaries and scripts go (kept: this week's)
    find "$dir" -name '*.cpio.gz' -mtime +7 -delete 2>/dev/null || true
  else
    tb_log "test image $key (built by an earlier test from the same inputs)"
  fi
  cp "$dir/$key.cpio.gz" "$TB_INITRD"
}

# tb_arch_opt: "--arch arm64" on arm64, nothing on x86_64 (x86 command lines stay as they were)
tb_arch_opt() { [ "$TB_ARCH" = x86_64 ] || echo "--arch $TB_ARCH"; }

# tb_have_binary: true when PMEMRECLAIM_BINARY names an existing file
tb_have_binary() { [ -n "${PMEMRECLAIM_BINARY:-}" ] && [ -f "$PMEMRECLAIM_BINARY" ]; }

# ---- guest RAM file ----
# tb_ramfile_create F: fresh sparse file of TB_MEM
tb_ramfile_create() { rm -f "$1"; truncate -s "$TB_MEM" "$1"; }

# tb_gpa_to_off GPA: guest physical address -> RAM file offset (pc machine; virt: GPA - 0x40000000)
tb_gpa_to_off() {
  local gpa=$(($1))
  if [ "$TB_ARCH" = arm64 ]; then
    [ "$gpa" -ge "$TB_RAM_BASE" ] && [ "$gpa" -lt $((TB_RAM_BASE + $(tb_size "$TB_MEM"))) ] \
      || tb_die "GPA $(printf 0x%x "$gpa") is outside virt RAM"
    echo $((gpa - TB_RAM_BASE)); return 0
  fi
  if [ "$gpa" -lt "$TB_LOWMEM" ]; then echo "$gpa"
  elif [ "$gpa" -lt $((4 * GiB)) ]; then tb_die "GPA $(printf 0x%x "$gpa") is in the PCI hole"
  else echo $((gpa - 4 * GiB + TB_LOWMEM)); fi
}

# tb_pattern SEED BYTES: deterministic pseudo-random bytes on stdout (AES-128-CTR keystream)
tb_pattern() {
  local key; key=$(printf '%032x' "$(($1))")
  head -c "$(($2))" /dev/zero | openssl enc -aes-128-ctr -K "$key" -iv 0 -nosalt 2>/dev/null
}
# The guest hashes only the first TB_GUEST_HASH bytes of a kept range (busybox sha256sum under TCG
# takes ~0.4 s/MiB); the RAM file is checked whole on the host. A pattern's prefix is the pattern of
# that length with the same seed (a CTR keystream), so tb_pattern_sha256 SEED TB_GUEST_HASH is its hash.
TB_GUEST_HASH=${TB_GUEST_HASH:-$((8 << 20))}
# tb_pattern_sha256 SEED BYTES
tb_pattern_sha256() { tb_pattern "$1" "$2" | sha256sum | cut -d' ' -f1; }

# tb_write_pattern F GPA SEED BYTES: write the pattern at guest physical address GPA; prints its sha256
tb_write_pattern() {
  local f=$1 off; off=$(tb_gpa_to_off "$2")
  tb_pattern "$3" "$4" | dd of="$f" bs=1M seek="$off" oflag=seek_bytes conv=notrunc status=none
  tb_pattern_sha256 "$3" "$4"
}
# tb_read_sha256 F GPA BYTES: sha256 of BYTES at guest physical address GPA in the RAM file
tb_read_sha256() {
  local off; off=$(tb_gpa_to_off "$2")
  dd if="$1" bs=1M skip="$off" count="$(($3))" iflag=skip_bytes,count_bytes status=none \
    | sha256sum | cut -d' ' -f1
}

# ---- boot ----
# tb_page_size: the guest kernel's page size in bytes (from the kernel flavour's name)
tb_page_size() { case "$TB_KERNEL_FLAVOUR" in *-16k) echo 16384 ;; *-64k) echo 65536 ;; *) echo 4096 ;; esac; }
# tb_default_smp: guest CPUs when TB_SMP is unset: 1. tests/run.sh runs two boot tests at a time on a
# 2-core host, one vCPU each (a second TCG vCPU would only compete with the other guest); Debian's x86 7.x
# kernels with two TCG vCPUs also sometimes die in early boot (an int3 Oops while patching kernel text)
tb_default_smp() { echo 1; }

# tb_boot LOG APPEND [RAMFILE]: boots TB_INITRD; sets TB_WALL (host seconds), TB_RC
tb_boot() {
  local log=$1 append=$2 ram=${3:-$TB_RAMDIR/ram} ramopt
  if [ "${TB_RAM_BACKING:-file}" = anon ]; then
    ramopt=(--ram-anon)
  else
    [ -e "$ram" ] || tb_ramfile_create "$ram"
    ramopt=(--ram-file "$ram")
  fi
  rm -f "$log" "$log.meta"
  TB_RC=0
  local archargs=()
  if [ "$TB_ARCH" = arm64 ]; then
    archargs=(--arch arm64 ${TB_PMEM:+--pmem "$TB_PMEM"} ${TB_PMEM_NODE:+--pmem-node "$TB_PMEM_NODE"})
    [ "$TB_NUMA" = 1 ] && archargs+=(--numa)
    [ -n "$TB_MEM_LIMIT" ] && append="mem=$TB_MEM_LIMIT $append"
  fi
  [ "${TB_NVDIMM:-0}" = 1 ] && archargs+=(--nvdimm)
  "$TB_ROOT/qemu/vm.sh" ${archargs[@]+"${archargs[@]}"} --kernel "$TB_KDIR" --initrd "$TB_INITRD" "${ramopt[@]}" --log "$log" \
      --timeout "$TB_TIMEOUT" --mem "$TB_MEM" --smp "${TB_SMP:-$(tb_default_smp)}" --append "$append ${TB_APPEND:-}" -- ${TB_QEMU_EXTRA:-} 2>/dev/null \
      || TB_RC=$?
  TB_WALL=$(sed -n 's/.*wall_seconds=\([0-9.]*\).*/\1/p' "$log.meta" | tail -1)
  tb_log "boot '$append': rc=$TB_RC wall=${TB_WALL}s log=$log"
  if [ "$TB_RC" -ne 0 ] || ! grep -q '^@@done' "$log"; then
    tb_log "boot did not reach the end of the report; last lines:"
    < "$log" tail -n 25 | sed 's/^/    /'
    return 1
  fi
}

# ---- report parsing ----
# tb_report LOG KEY [FIELD]: value after "@@KEY " (first occurrence; FIELD = word number, default all)
tb_report() {
  local line
  line=$(< "$1" grep -m1 "^@@$2\( \|$\)" | sed "s/^@@$2 \{0,1\}//") || true
  if [ -n "${3:-}" ]; then echo "$line" | awk -v f="$3" '{print $f}'; else echo "$line"; fi
}
# tb_record LOG FILTER: jq FILTER (raw output, one line per value) on the handoff record the guest reported
# (/run/pmemreclaim/state.json, @@state_json); nothing when there is none
tb_record() {
  local json; json=$(tb_report "$1" state_json)
  [ -n "$json" ] || return 0
  jq -r -c "$2" <<<"$json"
}
# tb_section LOG NAME: lines between @@NAME-begin and @@NAME-end
tb_section() { < "$1" sed -n "/^@@$2-begin/,/^@@$2-end/p" | sed '1d;$d'; }
# tb_iomem_sum LOG NAME: total bytes of /proc/iomem entries named exactly NAME (any nesting level)
tb_iomem_sum() {
  local total=0 s e
  while read -r s e; do total=$((total + 16#$e - 16#$s + 1)); done < <(
    tb_section "$1" iomem | sed -n "s/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : $2\$/\1 \2/p")
  echo "$total"
}
tb_kmem_bytes() { tb_iomem_sum "$1" 'System RAM (kmem)'; }
# carve bytes: x86 firmware's 'Persistent Memory (legacy)' entries; arm64 has no such /proc/iomem entry:
# the sum of the nd regions' sizes the guest reports (@@nd_region lines of test-init.sh)
tb_carve_bytes() {
  if [ "$TB_ARCH" = arm64 ]; then tb_nd_region_bytes "$1"; else tb_iomem_sum "$1" 'Persistent Memory (legacy)'; fi
}
tb_nd_region_bytes() {
  local total=0 z
  for z in $(< "$1" sed -n 's/^@@nd_region .* size=\([0-9]*\).*/\1/p'); do total=$((total + z)); done
  echo "$total"
}
# tb_oopses LOG: the kernel's Oops, BUG, internal error and call trace lines of a boot (the console and the
# report's whole kernel log), each once; nothing for a clean boot. The one spelling of "no Oops".
TB_OOPS='Oops|kernel BUG|BUG:|Internal error|Unable to handle kernel|Call [Tt]race'
tb_oopses() { { < "$1" grep -v '^@@'; tb_section "$1" kmsg; } | grep -E "$TB_OOPS" | sort -u || true; }
# tb_assert_no_oops WHAT LOG
tb_assert_no_oops() { tb_assert_eq "$1: kernel Oops/BUG/call trace lines" "" "$(tb_oopses "$2")"; }
# tb_memtotal_bytes LOG
tb_memtotal_bytes() { echo $(( $(tb_report "$1" memtotal_kb) * 1024 )); }

# tb_size 2G|126M|0x80200000|4096 -> bytes
tb_size() {
  case "$1" in
    *[Gg]) echo $(( ${1%?} << 30 )) ;; *[Mm]) echo $(( ${1%?} << 20 )) ;; *[Kk]) echo $(( ${1%?} << 10 )) ;;
    *) echo $(( $1 )) ;;
  esac
}

# ---- asserts ----
tb_pass() { TB_PASSES=$((TB_PASSES + 1)); echo "[$TB_NAME] ok: $*"; }
tb_fail() { TB_FAILS=$((TB_FAILS + 1)); echo "[$TB_NAME] FAIL: $*"; }
# tb_assert_eq WHAT EXPECTED ACTUAL
tb_assert_eq() { if [ "$2" = "$3" ]; then tb_pass "$1 = $3"; else tb_fail "$1: expected '$2', got '$3'"; fi; }
# tb_assert_ge WHAT MIN ACTUAL (integers)
tb_assert_ge() { if [ "$3" -ge "$2" ]; then tb_pass "$1 = $3 >= $2"; else tb_fail "$1: $3 < $2"; fi; }
tb_assert_true() { local what=$1; shift; if "$@"; then tb_pass "$what"; else tb_fail "$what"; fi; }
# tb_finish: summary line, exit status; removes the scratch dir on success unless TB_KEEP=1
tb_finish() {
  echo "[$TB_NAME] $TB_PASSES passed, $TB_FAILS failed"
  if [ "$TB_FAILS" -eq 0 ] && [ "${TB_KEEP:-0}" != 1 ]; then rm -f "$TB_RAMDIR"/ram*; fi
  [ "$TB_FAILS" -eq 0 ]
}

