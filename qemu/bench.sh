#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: pmemreclaim against the standard tools (ndctl create-namespace + daxctl reconfigure-device)
# on the same carve, in the same VM and the same boot. Builds everything (tests/build.sh), then boots one
# QEMU guest (TCG) per row. In each boot (tests/boot/guest/bench.sh):
#   cold  pmemreclaim as PID 1: kernel timestamps from "Run /sbin/pmemreclaim as init process" to its
#         "handing off to /init" (module loading included), bytes onlined (System RAM (kmem))
#   undo  pmemreclaim release + the namespaces given back: the carve as it was before the reclaim
#   std   the standard tools on the same job (region align lowered first where ndctl needs it; not timed)
#   undo, then warm: `pmemreclaim apply`, the same job as std with the same modules loaded
#   undo, then std again: the tools' time is the mean of their two runs around pmemreclaim's
#   legacy rows: undo, the nvdimm/dax modules unloaded, then recold: `pmemreclaim boot`, the PID 1 job
#         again (module loading included) in guest memory the steps before have warmed
# Bytes come from the guest kernel's /proc/iomem; wall times from kmsg timestamps; kernel CPU time from
# the shell's `times` (the tools) and getrusage (pmemreclaim's "timing:" line, which also gives the kernel
# time of the onlining writes: the floor of any tool).
#
#   qemu/bench.sh [--quick] [--only REGEX] [--out DIR]
#     --quick     one row (legacy, 2 GiB carve, 128 MiB blocks): the CI smoke run
#     --only RE   rows whose id matches RE (grep -E)
#     --out DIR   results (default .cache/bench/<date>): bench.md, bench.json, one log per row
#   PMEMRECLAIM_BINARY=FILE: the static x86_64 binary to use (default: tests/build.sh builds it)
#   PMEMRECLAIM_ARM64_BINARY=FILE: the aarch64 one, for the arm64 rows (default build/aarch64-linux-musl/)
# Groups of rows: matrix (strategies and layouts), scale (legacy 2 to 32 GiB), cold (legacy 2 and 16 GiB
# carves in the same 24 GiB guest, guest RAM in a host file and in anonymous host memory: the cold job's
# module loading and per-GiB slope against the warm apply's; --only '^cold' runs just these), strategies
# (Linux 7.2, 2 and 16 GiB carves, the PID 1 job of legacy, auto with either outcome and ramdax, first boot
# and reuse: module loading 16 GiB / 2 GiB and the job's slope per GiB against legacy's; --only '^strategies'),
# carves (Linux 7.2, legacy, 2 to 200 GiB carves: the job's slope per GiB between each pair; --only '^carves'),
# memmap (Linux 7.2, legacy, 2 and 16 GiB: memmap_on_memory off and on; --only '^memmap').
# Prints the Markdown tables; exit status 1 when a row did not complete.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QUICK=0 ONLY='' OUT=''
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --only) ONLY=${2:?}; shift ;;
    --out) OUT=${2:?}; shift ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
OUT=${OUT:-$ROOT/.cache/bench/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
# PMEMRECLAIM_BINARY (and PMEMRECLAIM_ARM64_BINARY) given: use them, build nothing (the boot test does)
X86_BIN=${PMEMRECLAIM_BINARY:-}
[ -n "$X86_BIN" ] && [ -f "$X86_BIN" ] || X86_BIN=$("$ROOT/tests/build.sh")
ARM_BIN=${PMEMRECLAIM_ARM64_BINARY:-$ROOT/build/aarch64-linux-musl/pmemreclaim}
GiB=$((1 << 30)) MiB=$((1 << 20))

# Rows: id|group|arch|kernel flavour|guest RAM|QEMU args|carve|carve bytes|strategy|keep bytes|namespace|append
#       [|RAM backing[|boots]]   boots 2: the same boot again on the same RAM file (its log ID-reuse.log)
# carve: memmap= options (x86_64) or device-tree pmem-region nodes START:SIZE,... (arm64, mem=6G).
# RAM backing: file (default: a sparse host file, deleted after the row) or anon (TB_RAM_BACKING=anon:
# anonymous host memory, where the host's first touch of a guest page costs no file-system block allocation).
# A 64.5 GiB guest gets 512 MiB memory blocks with the CPUID hypervisor bit (QEMU's default; the largest
# block that divides the end of RAM, 65.5 GiB) and 2 GiB without it, as bare metal >= 64 GiB does; its
# RAM is a sparse host file like every guest's here.
big='-cpu qemu64,-hypervisor'
ROWS=(
  "legacy-aligned|matrix|x86_64|bookworm-amd64|8G||memmap=2G!4G|$((2 * GiB))|legacy|0|namespace0.0|"
  "legacy-2M-below-block|matrix|x86_64|bookworm-amd64|8G||memmap=0x80200000!0x13FE00000|$((0x80200000))|legacy|0|namespace0.0|"
  "legacy-split-kept|matrix|x86_64|bookworm-amd64|8G||memmap=126M!4G memmap=1922M!0x107E00000|$((2 * GiB))|legacy|$((126 * MiB))|namespace1.0|"
  "ramdax-2M-below-block|matrix|x86_64|sid-amd64|8G||memmap=0x80220000!0x107E00000|$((0x80220000))|ramdax|0||"
  "ramdax-kept|matrix|x86_64|sid-amd64|8G||memmap=2G!4G|$((2 * GiB))|ramdax|$((126 * MiB))||"
  "hmem-aligned|matrix|x86_64|sid-amd64|8G||memmap=2G%4G-1+0xefffffff|$((2 * GiB))|hmem|0||nokaslr"
  "hmem-kept|matrix|x86_64|sid-amd64|8G||memmap=2G%4G-1+0xefffffff|$((2 * GiB))|hmem|$((256 * MiB))||nokaslr"
  "arm64-legacy-split-kept|matrix|arm64|sid-arm64|8G||0x1c0000000:$((126 * MiB)),0x1c7e00000:$((1922 * MiB))|$((2 * GiB))|legacy|$((126 * MiB))|namespace1.0|"
  "arm64-ramdax-kept|matrix|arm64|sid-arm64|9G||0x1c0000000:$((0x80020000))|$((0x80020000))|ramdax|$((126 * MiB))||"
  # 16K pages (32 MiB dax align): the layouts of TEST-arm64-16k-legacy and -ramdax
  "arm64-16k-legacy-split-kept|matrix|arm64|sid-arm64-16k|8G||0x1c0000000:$((96 * MiB)),0x1c6000000:$((1952 * MiB))|$((2 * GiB))|legacy|$((96 * MiB))|namespace1.0|"
  "arm64-16k-ramdax-kept|matrix|arm64|sid-arm64-16k|9G||0x1c0000000:$((0x80020000))|$((0x80020000))|ramdax|$((96 * MiB))||"
  # 64K pages (512 MiB blocks and dax align; the kernel qemu/kernel-build.sh builds, whose config has no
  # CONFIG_PRINTK_TIME: printk.time=1 gives the kmsg timestamps the timings come from): TEST-arm64-64k-*'s layouts
  "arm64-64k-legacy-split-kept|matrix|arm64|sid-arm64-64k|8G||0x1c0000000:$((510 * MiB)),0x1dfe00000:$((1538 * MiB))|$((2 * GiB))|legacy|$((510 * MiB))|namespace1.0|printk.time=1"
  "arm64-64k-ramdax-kept|matrix|arm64|sid-arm64-64k|9G||0x1c0000000:$((0x80020000))|$((0x80020000))|ramdax|$((510 * MiB))||printk.time=1"
  "legacy-aligned-512M-blocks|matrix|x86_64|bookworm-amd64|66048M||memmap=4G!8G|$((4 * GiB))|legacy|0|namespace0.0|"
  "legacy-2M-below-block-512M-blocks|matrix|x86_64|bookworm-amd64|66048M||memmap=0x100200000!0x1FFE00000|$((0x100200000))|legacy|0|namespace0.0|"
  "legacy-aligned-2G-blocks|matrix|x86_64|bookworm-amd64|66048M|$big|memmap=4G!8G|$((4 * GiB))|legacy|0|namespace0.0|"
  "legacy-2M-below-block-2G-blocks|matrix|x86_64|bookworm-amd64|66048M|$big|memmap=0x100200000!0x1FFE00000|$((0x100200000))|legacy|0|namespace0.0|"
  "hmem-aligned-2G-blocks|matrix|x86_64|sid-amd64|66048M|$big|memmap=4G%8G-1+0xefffffff|$((4 * GiB))|hmem|0||nokaslr"
  "scale-8G|scale|x86_64|bookworm-amd64|16G||memmap=8G!4G|$((8 * GiB))|legacy|0|namespace0.0|"
  "scale-32G|scale|x86_64|bookworm-amd64|40G||memmap=32G!4G|$((32 * GiB))|legacy|0|namespace0.0|"
)
# cold: the PID 1 job at 2 and 16 GiB, the same 24 GiB guest (only the carve differs), per kernel and backing
for fl in bookworm-amd64:6.1 sid-amd64:7.2; do
  for backing in file anon; do
    for c in 2 16; do
      ROWS+=("cold-${fl#*:}-$backing-${c}G|cold|x86_64|${fl%:*}|24G||memmap=${c}G!4G|$((c * GiB))|legacy|0|namespace0.0||$backing")
    done
  done
done
# strategies (Linux 7.2, 24 GiB guest, 2 and 16 GiB carves): the PID 1 job only (test.bench_cold_only), per
# strategy and outcome, twice on the same RAM file: the first boot makes the layout, the second (reuse: a
# warm reboot or kexec) finds it. auto with a carve of whole blocks picks legacy (ramdax would lose a block
# to the label area), with 128 KiB more it picks ramdax.
for s in legacy auto-legacy auto-ramdax ramdax; do
  for c in 2 16; do
    case "$s" in *ramdax) carve=$((c * GiB + 128 * 1024)) ;; *) carve=$((c * GiB)) ;; esac
    ROWS+=("strategies-$s-${c}G|strategies|x86_64|sid-amd64|24G||memmap=$(printf '0x%x' $carve)!4G|$carve|${s%%-*}|0||test.bench_cold_only=1|file|2")
  done
done
# carves (Linux 7.2, legacy, the PID 1 job only): 2, 16, 64 and 200 GiB carves at 4 GiB, the guest 8 GiB more
# than the carve (a sparse RAM file: the host backs only what the guest touches, mostly the onlined
# memory's struct pages), the job's cost per GiB between each pair
for c in 2 16 64 200; do
  ROWS+=("carves-${c}G|carves|x86_64|sid-amd64|$((c + 8))G||memmap=${c}G!4G|$((c * GiB))|legacy|0||test.bench_cold_only=1|file|1")
done
# memmap (Linux 7.2, legacy, the PID 1 job only): the blocks' memory map from the RAM already online (the
# kernel's default) against carved from the onlined blocks themselves (memory_hotplug.memmap_on_memory=1 on
# the kernel command line; pmemreclaim.memmap_on_memory=auto then asks for it per dax device)
for m in off on; do
  for c in 2 16; do
    a="test.bench_cold_only=1"; [ "$m" = off ] || a+=" memory_hotplug.memmap_on_memory=1"
    ROWS+=("memmap-$m-${c}G|memmap|x86_64|sid-amd64|24G||memmap=${c}G!4G|$((c * GiB))|legacy|0||$a|file|1")
  done
done
[ "$QUICK" = 1 ] && ROWS=("${ROWS[0]}")

# ---- one row: boot, parse ----
# field LOG KEY -> the rest of the first "@@KEY " line (awk reads the file: no pipe to break early)
field() { awk -v k="@@$2 " 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }' "$1"; }
kv() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }            # kv LINE KEY -> value of KEY=
# timing LINE PHASE: "W K" (wall and kernel ms) of a phase of a "timing:" line (job, modules, kmem, onlining)
timing() { echo "$1" | sed -n "s/.*$2 \([0-9]*\) ms (kernel \([0-9]*\) ms.*/\1 \2/p"; }
num() { [[ "$1" =~ ^[0-9]+$ ]] && echo "$1" || echo null; }
mean() { [[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ ]] && echo $(( ($1 + $2 + 1) / 2 )) || echo null; }
jstr() { printf '"%s"' "$(echo "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

FAILED=0
JSON_ROWS=()
run_row() {
  local id group arch flavour mem qemu carve carve_bytes strategy keep ns append backing boots
  IFS='|' read -r id group arch flavour mem qemu carve carve_bytes strategy keep ns append backing boots <<< "$1"
  backing=${backing:-file} boots=${boots:-1}
  rm -f "$OUT/$id-reuse.log"
  (
    export TB_NAME=bench-$id TB_WORK=$OUT/work/$id TB_ARCH=$arch TB_KERNEL_FLAVOUR=$flavour TB_MEM=$mem
    export TB_RAM_BACKING=$backing
    export TB_QEMU_EXTRA=$qemu TB_TIMEOUT=1200 PMEMRECLAIM_BINARY=$X86_BIN
    local opts="pmemreclaim=$strategy test.run=bench test.bench=$strategy test.bench_keep=$keep $append"
    [ "$keep" != 0 ] && opts+=" pmemreclaim.keep=$keep"
    [ -n "$ns" ] && opts+=" test.bench_ns=$ns"
    if [ "$arch" = arm64 ]; then
      export PMEMRECLAIM_BINARY=$ARM_BIN TB_PMEM=$carve TB_MEM_LIMIT=6G TB_NUMA=1
    else
      opts="$carve $opts"
    fi
    . "$ROOT/tests/boot/lib.sh"
    tb_setup >/dev/null
    tb_build_initrd >/dev/null
    [ "$backing" = anon ] || tb_ramfile_create "$TB_RAMDIR/ram"
    tb_boot "$OUT/$id.log" "$opts" || true
    [ "$boots" != 2 ] || tb_boot "$OUT/$id-reuse.log" "$opts" || true
    rm -f "$TB_RAMDIR/ram"
  ) >&2
  local l
  for l in "$OUT/$id.log" $([ "$boots" != 2 ] || echo "$OUT/$id-reuse.log"); do
    if ! < "$l" grep -q '^@@bench_done'; then
      echo "bench: row $id did not complete (see $l)" >&2
      FAILED=1
    fi
  done
  JSON_ROWS+=("$(row_json "$OUT/$id.log" "$id" "$group" "$arch" "$mem" "$carve" "$carve_bytes" "$strategy" "$keep" "$backing")")
}

# row_json LOG ID GROUP ARCH GUEST_RAM CARVE CARVE_BYTES STRATEGY KEEP BACKING: the row's JSON object, from its log
# shellcheck disable=SC2207  # timing prints numbers: split into words on purpose
row_json() {
  local log=$1
  local cold std std2 ours undo recold tcold tours trecold onl_cold onl_warm mod_cold mod_recold job_recold
  cold=$(field "$log" bench_cold); std=$(field "$log" "bench_step std"); std2=$(field "$log" "bench_step std2")
  ours=$(field "$log" "bench_step ours"); undo=$(field "$log" "bench_step undo")
  tcold=$(field "$log" "bench_timing cold"); tours=$(field "$log" "bench_timing ours")
  recold=$(field "$log" "bench_step recold"); trecold=$(field "$log" "bench_timing recold")
  mod_recold=($(timing "$trecold" modules) "" ""); job_recold=($(timing "$trecold" job) "" "")
  onl_cold=($(timing "$tcold" onlining) "" ""); onl_warm=($(timing "$tours" onlining) "" "")
  mod_cold=($(timing "$tcold" modules) "" "")
  local job_cold reuse=null rlog=${log%.log}-reuse.log
  job_cold=($(timing "$tcold" job) "" "")
  if [ -s "$rlog" ]; then
    local rcold rt rjob rmod
    rcold=$(field "$rlog" bench_cold); rt=$(field "$rlog" "bench_timing cold")
    rjob=($(timing "$rt" job) "" ""); rmod=($(timing "$rt" modules) "" "")
    reuse=$(jq -nc --argjson ms "$(num "$(kv "$rcold" ms)")" --argjson on "$(num "$(kv "$rcold" kmem)")" \
      --argjson job "$(num "${rjob[0]}")" --argjson job_k "$(num "${rjob[1]}")" --argjson mod "$(num "${rmod[0]}")" \
      --argjson mod_k "$(num "${rmod[1]}")" --arg t "$rt" --arg log "$rlog" \
      '{cold_ms: $ms, onlined_bytes: $on, job_ms: $job, job_kernel_ms: $job_k, modules_ms: $mod,
        modules_kernel_ms: $mod_k, timing: $t, log: $log}')
  fi
  jq -nc --arg id "$2" --arg group "$3" --arg arch "$4" --arg kernel "$(field "$log" kver)" --arg ram "$5" \
    --arg backing "${10}" --argjson mod_cold "$(num "${mod_cold[0]}")" --argjson mod_cold_k "$(num "${mod_cold[1]}")" \
    --argjson mod_cold_n "$(num "$(echo "$tcold" | sed -n 's/.*modules [^;]* ms, \([0-9]*\) loaded).*/\1/p')")" \
    --argjson block "$(num $(( $(field "$log" block_size) )))" --arg carve "$6" --argjson carve_bytes "$7" \
    --argjson keep "$9" --arg strategy "$8" \
    --argjson o_on "$(num "$(kv "$cold" kmem)")" --argjson cold_ms "$(num "$(kv "$cold" ms)")" \
    --argjson cold_onl "$(num "${onl_cold[0]}")" --argjson cold_onl_k "$(num "${onl_cold[1]}")" \
    --argjson warm_ms "$(num "$(kv "$ours" ms)")" --argjson warm_k "$(num "$(kv "$ours" kernel_ms)")" \
    --argjson warm_on "$(num "$(kv "$ours" kmem)")" \
    --argjson warm_onl "$(num "${onl_warm[0]}")" --argjson warm_onl_k "$(num "${onl_warm[1]}")" \
    --arg tcold "$tcold" --arg tours "$tours" --arg trecold "$trecold" \
    --argjson recold_ms "$(num "$(kv "$recold" ms)")" --argjson recold_on "$(num "$(kv "$recold" kmem)")" \
    --argjson recold_job "$(num "${job_recold[0]}")" --argjson mod_recold "$(num "${mod_recold[0]}")" \
    --argjson s_on "$(num "$(kv "$std" kmem)")" --argjson s_ms "$(mean "$(kv "$std" ms)" "$(kv "$std2" ms)")" \
    --argjson s_k "$(mean "$(kv "$std" kernel_ms)" "$(kv "$std2" kernel_ms)")" \
    --argjson s1 "$(num "$(kv "$std" ms)")" --argjson s2 "$(num "$(kv "$std2" ms)")" \
    --argjson s_rc "$(num "$(kv "$std" rc)")" --argjson s2_on "$(num "$(kv "$std2" kmem)")" \
    --argjson s2_rc "$(num "$(kv "$std2" rc)")" \
    --arg prep "$(< "$log" sed -n 's/^@@bench_log std-prep: //p' | tr '\n' ' ')" \
    --argjson undo_ms "$(num "$(kv "$undo" ms)")" --argjson reuse "$reuse" \
    --argjson job_cold "$(num "${job_cold[0]}")" --argjson job_cold_k "$(num "${job_cold[1]}")" \
    --argjson memtotal_kb "$(num "$(kv "$cold" memtotal_kb)")" --argjson memfree_kb "$(num "$(kv "$cold" memfree_kb)")" \
    --argjson pool "$(num "$(kv "$(field "$log" bench_random_pool_wait)" ms)")" --arg log "$log" \
    '{id: $id, group: $group, arch: $arch, kernel: $kernel, guest_ram: $ram, ram_backing: $backing,
      block_bytes: $block, carve: $carve, carve_bytes: $carve_bytes, kept_bytes: $keep, strategy: $strategy,
      pmemreclaim: {onlined_bytes: $o_on, cold_ms: $cold_ms, cold_job_ms: $job_cold, cold_job_kernel_ms: $job_cold_k,
        cold_memtotal_kb: $memtotal_kb, cold_memfree_kb: $memfree_kb,
        cold_modules_ms: $mod_cold,
        cold_modules_kernel_ms: $mod_cold_k, cold_modules_loaded: $mod_cold_n, cold_onlining_ms: $cold_onl,
        cold_onlining_kernel_ms: $cold_onl_k, warm_ms: $warm_ms, warm_kernel_ms: $warm_k, warm_onlined_bytes: $warm_on,
        warm_onlining_ms: $warm_onl, warm_onlining_kernel_ms: $warm_onl_k, timing_cold: $tcold, timing_warm: $tours,
        recold_ms: $recold_ms, recold_job_ms: $recold_job, recold_modules_ms: $mod_recold,
        recold_onlined_bytes: $recold_on, timing_recold: $trecold, reuse: $reuse},
      ndctl_daxctl: {onlined_bytes: $s_on, ms: $s_ms, kernel_ms: $s_k, runs_ms: [$s1, $s2], rc: $s_rc,
        second_onlined_bytes: $s2_on, second_rc: $s2_rc, prep: $prep},
      undo_ms: $undo_ms, random_pool_wait_ms: $pool, log: $log}'
}

T0=$SECONDS
for r in "${ROWS[@]}"; do
  id=${r%%|*}
  if [ -n "$ONLY" ] && ! echo "$id" | grep -qE "$ONLY"; then continue; fi
  echo "bench: $id ..." >&2
  run_row "$r"
done

# ---- sizes ----
gz() { gzip -9 < "$1" | wc -c; }
KDIR=$("$ROOT/qemu/kernel.sh" fetch bookworm-amd64)
"$ROOT/initrd/build.sh" --overlay --kernel "$KDIR" --binary "$X86_BIN" --out "$OUT/overlay.cpio.gz" >/dev/null 2>&1
# the tools, as an initramfs would carry them: ndctl, daxctl and the shared libraries they need beyond libc
tools_bytes=0 tools_gz=0
for f in $(command -v ndctl) $(command -v daxctl) $(ldd "$(command -v ndctl)" "$(command -v daxctl)" \
           | awk '/=> \// {print $3}' | grep -vE '/(libc|libm|ld-linux[^/]*)\.so' | sort -u); do
  tools_bytes=$((tools_bytes + $(stat -L -c %s "$f"))); tools_gz=$((tools_gz + $(gz "$(readlink -f "$f")")))
done
SIZES=$(printf '{"x86_64_binary_bytes":%s,"x86_64_binary_gzip_bytes":%s,"aarch64_binary_bytes":%s,"overlay_initramfs_bytes":%s,"ndctl_daxctl_with_libs_bytes":%s,"ndctl_daxctl_with_libs_gzip_bytes":%s}' \
  "$(stat -c %s "$X86_BIN")" "$(gz "$X86_BIN")" "$(num "$(stat -c %s "$ARM_BIN" 2>/dev/null)")" \
  "$(stat -c %s "$OUT/overlay.cpio.gz")" "$tools_bytes" "$tools_gz")

MACHINE="$(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo) RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9.]*\).*/\1/p') TCG"
{
  # commit: the tree's (guest scripts, test image); binary: the x86_64 pmemreclaim booted (PMEMRECLAIM_BINARY
  # may be another commit's)
  printf '{"date":%s,"machine":%s,"commit":%s,"binary":%s,"seconds":%s,"sizes":%s,"rows":[' \
    "$(jstr "$(date -u +%Y-%m-%dT%H:%MZ)")" "$(jstr "$MACHINE")" "$(jstr "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)")" \
    "$(printf '{"path":%s,"sha256":%s}' "$(jstr "$X86_BIN")" "$(jstr "$(sha256sum < "$X86_BIN" | cut -d' ' -f1)")")" \
    $((SECONDS - T0)) "$SIZES"
  sep=
  for j in "${JSON_ROWS[@]}"; do printf '%s\n%s' "$sep" "$j"; sep=,; done
  printf '\n]}\n'
} > "$OUT/bench.json"

"$ROOT/qemu/bench-table.sh" "$OUT/bench.json" > "$OUT/bench.md"
cat "$OUT/bench.md"
echo "bench: $OUT/bench.json, $OUT/bench.md ($((SECONDS - T0)) s)" >&2
exit $FAILED
