#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot a QEMU x86_64 (default) or arm64 guest (TCG) whose RAM is a host file (or anonymous host
# memory), with the serial console logged.
#
#   qemu/vm.sh --kernel DIR --initrd FILE --ram-file F|--ram-anon --log LOG [--append "ARGS"] [--timeout S]
#              [--mem 8G] [--smp 2] [--rdinit PATH|--no-rdinit] [--nvdimm [--maxmem 16G] [--slots 4]]
#              [-- EXTRA QEMU ARGS...]
#              [--arch arm64 [--pmem START:SIZE[,START:SIZE...]] [--numa] [--pmem-node N|none] [--dtb F]]
#
#   --kernel DIR    directory from qemu/kernel.sh (x86_64: DIR/vmlinux when there, booted through QEMU's PVH
#                   entry; otherwise DIR/vmlinuz) or a kernel image file
#   --append ARGS   extra kernel command line; always added: console=ttyS0 panic=-1
#                   and rdinit=/sbin/pmemreclaim (unless --rdinit X / --no-rdinit)
#   --ram-file F    guest RAM backing file (memory-backend-file, share=on); created sparse if missing
#   --ram-anon      guest RAM in anonymous host memory instead (memory-backend-ram, reserve=off: not
#                   accounted up front, so a guest may be larger than the host's free RAM): nothing on the
#                   host sees it or keeps it after the boot, and the host's first touch of a guest page is
#                   a page fault (transparent huge pages where the host allows them: QEMU advises them)
#                   instead of a page fault plus a block allocation in the file's file system
#   --timeout S     hard limit (default 300); exit status 124 when hit
#   --arch arm64    qemu-system-aarch64 -machine virt -cpu max,pauth-impdef=on, console=ttyAMA0 (default
#                   x86_64: pc, ttyS0). pauth-impdef: pointer authentication with QEMU's own cheap algorithm
#                   instead of emulating QARMA5 (Debian's arm64 kernels sign every return address): the
#                   same guest, an arm64 boot in half the time under TCG (measured 20.1 s -> 9.1 s).
#                   VM_ARM64_CPU overrides the -cpu value.
#                   virt RAM is one block from guest physical 0x40000000: RAM-file offset = GPA - 0x40000000.
#   --pmem LIST     arm64: carves as device-tree pmem-region nodes (qemu/dtb.sh, cached), booted with -dtb.
#                   QEMU puts the whole -m into the DT memory node: add mem= so the carves lie above the
#                   kernel's RAM (e.g. --mem 8G, mem=6G, --pmem 0x1c0000000:2G)
#   --numa          arm64: one NUMA node 0 (-numa node,nodeid=0,cpus=0-N,memdev=ram); without it the guest
#                   has no NUMA description (kmem rejects such a dax region: "invalid node: -1")
#   --pmem-node N   numa-node-id of the pmem nodes (default 0 with --numa, none without); see qemu/dtb.sh
#   --dtb F         arm64: boot this DTB as it is (instead of --pmem)
#   --nvdimm        x86_64: -machine pc,...,nvdimm=on and -m MEM,slots=SLOTS,maxmem=MAXMEM (default 4, 16G),
#                   so that ACPI NFIT NVDIMMs and virtio-pmem devices can be added after `--` (their
#                   -object memory-backend-file,... -device nvdimm|virtio-pmem-pci,... pairs); they are
#                   placed above the guest's RAM (8 GiB guest: from 0x240000000)
# Prints "vm.sh: wall_seconds=N rc=R" on stderr and appends it to LOG.meta.
# Exit status: QEMU's (0 after a guest poweroff), 124 on timeout.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() { sed -n '2,39p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
KERNEL='' INITRD='' APPEND='' RAMFILE='' RAMANON=0 LOG='' TIMEOUT=300 MEM=8G SMP=2 RDINIT=/sbin/pmemreclaim
ARCH=x86_64 PMEM='' NUMA=0 PMEM_NODE='' DTB='' NVDIMM=0 MAXMEM=16G SLOTS=4
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) KERNEL=${2:?}; shift ;;
    --initrd) INITRD=${2:?}; shift ;;
    --append) APPEND=${2?}; shift ;;
    --ram-file) RAMFILE=${2:?}; shift ;;
    --ram-anon) RAMANON=1 ;;
    --log) LOG=${2:?}; shift ;;
    --timeout) TIMEOUT=${2:?}; shift ;;
    --mem) MEM=${2:?}; shift ;;
    --smp) SMP=${2:?}; shift ;;
    --rdinit) RDINIT=${2:?}; shift ;;
    --no-rdinit) RDINIT= ;;
    --arch) ARCH=${2:?}; shift ;;
    --pmem) PMEM=${2:?}; shift ;;
    --numa) NUMA=1 ;;
    --pmem-node) PMEM_NODE=${2:?}; shift ;;
    --dtb) DTB=${2:?}; shift ;;
    --nvdimm) NVDIMM=1 ;;
    --maxmem) MAXMEM=${2:?}; shift ;;
    --slots) SLOTS=${2:?}; shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "vm.sh: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
[ -n "$KERNEL" ] && [ -n "$INITRD" ] && { [ -n "$RAMFILE" ] || [ "$RAMANON" = 1 ]; } && [ -n "$LOG" ] || usage
[ -z "$RAMFILE" ] || [ "$RAMANON" = 0 ] || { echo "vm.sh: --ram-file and --ram-anon exclude each other" >&2; exit 2; }
# a kernel directory of qemu/kernel.sh: on x86_64 its vmlinux (the ELF inside vmlinuz), which QEMU starts
# through the PVH entry, about 1.8 s sooner than the bzImage under TCG (see kernel.sh extract_vmlinux)
if [ -d "$KERNEL" ]; then
  if [ "$ARCH" != arm64 ] && [ "$ARCH" != aarch64 ] && [ -s "$KERNEL/vmlinux" ]; then KERNEL=$KERNEL/vmlinux
  else KERNEL=$KERNEL/vmlinuz; fi
fi
[ -f "$KERNEL" ] || { echo "vm.sh: no kernel image $KERNEL" >&2; exit 1; }
[ -f "$INITRD" ] || { echo "vm.sh: no initrd $INITRD" >&2; exit 1; }
case "$ARCH" in
  x86_64|amd64) ARCH=x86_64
    [ -z "$PMEM$DTB$PMEM_NODE" ] && [ "$NUMA" = 0 ] || { echo "vm.sh: --pmem/--numa/--dtb need --arch arm64" >&2; exit 2; } ;;
  arm64|aarch64) ARCH=arm64
    [ "$NVDIMM" = 0 ] || { echo "vm.sh: --nvdimm needs --arch x86_64" >&2; exit 2; } ;;
  *) echo "vm.sh: unknown --arch '$ARCH'" >&2; exit 2 ;;
esac
"$ROOT/qemu/host-deps.sh" --arch "$ARCH" >&2
# the guest RAM's backend object (id ram): a host file, or anonymous memory
if [ "$RAMANON" = 1 ]; then
  ramobj="memory-backend-ram,id=ram,size=$MEM,reserve=off"
else
  [ -e "$RAMFILE" ] || truncate -s "$MEM" "$RAMFILE"
  ramobj="memory-backend-file,id=ram,size=$MEM,mem-path=$RAMFILE,share=on"
fi

mkdir -p "$(dirname "$LOG")"
t0=$(date +%s.%N)
rc=0
if [ "$ARCH" = x86_64 ]; then
CMDLINE="console=ttyS0 panic=-1${RDINIT:+ rdinit=$RDINIT} $APPEND"
machine=pc,memory-backend=ram memopt=$MEM
if [ "$NVDIMM" = 1 ]; then
  machine+=,nvdimm=on memopt+=,slots=$SLOTS,maxmem=$MAXMEM
  echo "vm.sh: x86_64 nvdimm=on slots=$SLOTS maxmem=$MAXMEM" >> "$LOG.meta"
fi
timeout --foreground -k 5 "$TIMEOUT" qemu-system-x86_64 \
  -machine "$machine" \
  -object "$ramobj" \
  -m "$memopt" -smp "$SMP" -nographic -no-reboot -nic none \
  -kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE" \
  "$@" </dev/null >"$LOG" 2>&1 || rc=$?
else
CMDLINE="console=ttyAMA0 panic=-1${RDINIT:+ rdinit=$RDINIT} $APPEND"
if [ -n "$PMEM" ] && [ -z "$DTB" ]; then
  numaopt=(); [ "$NUMA" = 1 ] && numaopt=(--numa)
  DTB=$("$ROOT/qemu/dtb.sh" --pmem "$PMEM" --mem "$MEM" --smp "$SMP" "${numaopt[@]}" \
        ${PMEM_NODE:+--pmem-node "$PMEM_NODE"}) || exit 1
fi
# One RAM block at 0x40000000, backed by ramobj (the NUMA node's memdev, or the machine's memory-backend)
if [ "$NUMA" = 1 ]; then
  mach=(-machine virt -object "$ramobj" -numa "node,nodeid=0,cpus=0-$((SMP - 1)),memdev=ram")
else
  # shellcheck disable=SC2054  # one QEMU option value with commas, not array elements
  mach=(-machine virt,memory-backend=ram -object "$ramobj")
fi
echo "vm.sh: arm64 dtb=${DTB:-none} numa=$NUMA" >> "$LOG.meta"
timeout --foreground -k 5 "$TIMEOUT" qemu-system-aarch64 \
  "${mach[@]}" -cpu "${VM_ARM64_CPU:-max,pauth-impdef=on}" \
  -m "$MEM" -smp "$SMP" -nographic -no-reboot \
  ${DTB:+-dtb "$DTB"} \
  -kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE" \
  "$@" </dev/null >"$LOG" 2>&1 || rc=$?
fi
t1=$(date +%s.%N)
# The serial console ends lines with CR LF: the log's readers get plain lines, the CRs taken out once here.
sed -i 's/\r//g' "$LOG"
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
echo "vm.sh: wall_seconds=$wall rc=$rc" | tee -a "$LOG.meta" >&2
exit $rc
