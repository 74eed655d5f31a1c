#!/bin/bash
# Boot a QEMU x86_64 guest (TCG) whose RAM is a host file, with the serial console logged.
#
#   qemu/vm.sh --kernel DIR --initrd FILE --ram-file F --log LOG [--append "ARGS"] [--timeout S]
#              [--mem 8G] [--smp 2] [--rdinit PATH|--no-rdinit] [-- EXTRA QEMU ARGS...]
#
#   --kernel DIR    directory from qemu/kernel.sh (uses DIR/vmlinuz) or a vmlinuz file
#   --append ARGS   extra kernel command line; always added: console=ttyS0 panic=-1
#                   and rdinit=/sbin/pmemreclaim (unless --rdinit X / --no-rdinit)
#   --ram-file F    guest RAM backing file (memory-backend-file, share=on); created sparse if missing
#   --timeout S     hard limit (default 300); exit status 124 when hit
# Prints "vm.sh: wall_seconds=N rc=R" on stderr and appends it to LOG.meta.
# Exit status: QEMU's (0 after a guest poweroff), 124 on timeout.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
KERNEL= INITRD= APPEND= RAMFILE= LOG= TIMEOUT=300 MEM=8G SMP=2 RDINIT=/sbin/pmemreclaim
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) KERNEL=${2:?}; shift ;;
    --initrd) INITRD=${2:?}; shift ;;
    --append) APPEND=${2?}; shift ;;
    --ram-file) RAMFILE=${2:?}; shift ;;
    --log) LOG=${2:?}; shift ;;
    --timeout) TIMEOUT=${2:?}; shift ;;
    --mem) MEM=${2:?}; shift ;;
    --smp) SMP=${2:?}; shift ;;
    --rdinit) RDINIT=${2:?}; shift ;;
    --no-rdinit) RDINIT= ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "vm.sh: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
[ -n "$KERNEL" ] && [ -n "$INITRD" ] && [ -n "$RAMFILE" ] && [ -n "$LOG" ] || usage
[ -d "$KERNEL" ] && KERNEL=$KERNEL/vmlinuz
[ -f "$KERNEL" ] || { echo "vm.sh: no kernel image $KERNEL" >&2; exit 1; }
[ -f "$INITRD" ] || { echo "vm.sh: no initrd $INITRD" >&2; exit 1; }
"$ROOT/qemu/host-deps.sh" >&2
if [ ! -e "$RAMFILE" ]; then truncate -s "$MEM" "$RAMFILE"; fi

CMDLINE="console=ttyS0 panic=-1${RDINIT:+ rdinit=$RDINIT} $APPEND"
mkdir -p "$(dirname "$LOG")"
t0=$(date +%s.%N)
rc=0
timeout --foreground -k 5 "$TIMEOUT" qemu-system-x86_64 \
  -machine pc,memory-backend=ram \
  -object "memory-backend-file,id=ram,size=$MEM,mem-path=$RAMFILE,share=on" \
  -m "$MEM" -smp "$SMP" -nographic -no-reboot \
  -kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE" \
  "$@" </dev/null >"$LOG" 2>&1 || rc=$?
t1=$(date +%s.%N)
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
echo "vm.sh: wall_seconds=$wall rc=$rc" | tee -a "$LOG.meta" >&2
exit $rc
