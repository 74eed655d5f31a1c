# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the pmemreclaim scenarios (the TEST files; the arm64 scenarios they share: arm64.sh).
# Source after lib.sh.
# Each scenario boots the real static binary as rdinit and asserts on what the guest kernel
# reports (/proc/iomem, MemTotal, sha256 of kept bytes in the guest and in the RAM file),
# then runs the standard ndctl + daxctl path on the same carve in the same VM configuration
# and prints both side by side.
# shellcheck shell=bash disable=SC2154  # GiB, MiB and TB_*: lib.sh, which every TEST file sources first

# tr_require_binary: the real static binary is mandatory for these tests
tr_require_binary() {
  tb_have_binary || tb_die "PMEMRECLAIM_BINARY is not set to the static pmemreclaim (see README)"
}

# tr_dmesg_has LOG TEXT: the guest kernel log (dmesg section of the report) contains TEXT
# (grep reads to the end: with -q it could stop early, and under pipefail the writer's SIGPIPE would
# turn a match into a failure)
tr_dmesg_has() { tb_section "$1" dmesg | grep -F -- "$2" >/dev/null; }
tr_dmesg_lacks() { ! tr_dmesg_has "$@"; }

# tr_kmem_in LOG START END: bytes of System RAM (kmem) inside [START, END)
tr_kmem_in() {
  local total=0 s e
  while read -r s e; do
    s=$((16#$s)); e=$((16#$e + 1))
    [ "$s" -lt "$2" ] && s=$2; [ "$e" -gt "$3" ] && e=$3
    [ "$e" -gt "$s" ] && total=$((total + e - s))
  done < <(tb_section "$1" iomem | sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM (kmem)$/\1 \2/p')
  echo "$total"
}

# tr_lost LOG: carve bytes not onlined as kmem and not kept (kept = $2 bytes, default 0)
tr_lost() { echo $(( $(tb_carve_bytes "$1") - $(tb_kmem_bytes "$1") - ${2:-0} )); }

# tr_ndctl_boot LOG MEMMAP NS [EXTRA]: the standard path on the same carve: ndctl create-namespace
# -m devdax -M mem on NS, then daxctl reconfigure-device -m system-ram; sets TR_NDCTL_KMEM
tr_ndctl_boot() {
  local log=$1 memmap=$2 ns=$3 extra=${4:-}
  tb_ramfile_create "$TB_RAMDIR/ram-ndctl"
  # Same image: without a pmemreclaim= option the binary hands straight to the test init.
  tb_boot "$log" "$memmap test.ndctl=devdax test.ns=$ns $extra" "$TB_RAMDIR/ram-ndctl" || true
  # shellcheck disable=SC2034  # read by the TEST files and arm64.sh
  TR_NDCTL_KMEM=$(tb_kmem_bytes "$log")
}

# tr_compare NAME LOG_OURS KEPT LOG_NDCTL [MAP]: prints the side-by-side line the issue notes quote. MAP: bytes
# of the onlined blocks that hold their own memory map in LOG_OURS (memmap_on_memory), which MemTotal leaves out
tr_compare() {
  local name=$1 ours=$2 kept=$3 theirs=$4 map=${5:-0} less=
  [ "$map" = 0 ] || less=" less the memory map on the blocks, $map"
  local carve kmem nkmem
  carve=$(tb_carve_bytes "$ours"); kmem=$(tb_kmem_bytes "$ours"); nkmem=$(tb_kmem_bytes "$theirs")
  local line="[$TB_NAME] COMPARE $name carve=$carve kept=$kept pmemreclaim_onlined=$kmem"
  line+=" pmemreclaim_lost=$((carve - kept - kmem)) ndctl_daxctl_onlined=$nkmem ndctl_daxctl_lost=$((carve - kept - nkmem))"
  echo "$line"
  # tests/run.sh prints these side-by-side lines after the run
  echo "$line" >> "$TB_ROOT/.cache/boot-tests/compare.txt"
  # MemTotal moves with kmem: the difference between the two boots is the difference in kmem (less MAP)
  local mt nmt d
  mt=$(tb_memtotal_bytes "$ours"); nmt=$(tb_memtotal_bytes "$theirs")
  d=$(( (mt - nmt) - (kmem - nkmem - map) )); d=${d#-}
  if [ "$d" -le "${TB_MEMTOTAL_SLACK:-65536}" ]; then
    tb_pass "MemTotal difference $((mt - nmt)) matches the kmem difference $((kmem - nkmem))$less"
  else
    tb_fail "MemTotal difference $((mt - nmt)) vs kmem difference $((kmem - nkmem))$less: off by $d"
  fi
}


# tr_split_cycles LOG DIR: one file per boot of a kexec chain (DIR/boot0.log, boot1.log, ...), each
# from one "@@init_start" report line to the next; prints the number of boots
tr_split_cycles() {
  mkdir -p "$2"; rm -f "$2"/boot*.log
  < "$1" awk -v dir="$2" '/^@@init_start/ {n++} n > 0 {print > (dir "/boot" (n - 1) ".log")} END {print n + 0}'
}

# tr_build_kexec_initrd: the test image with the guest kernel's own vmlinuz as /boot/vmlinuz, for the
# kexec steps of guest/test-init.sh (test.kexec, test.kdump, test.fwpmem); sets TB_INITRD
tr_build_kexec_initrd() {
  TB_INITRD=$TB_WORK/test.cpio.gz
  "$TB_ROOT/initrd/build.sh" --test --kernel "$TB_KDIR" --binary "$PMEMRECLAIM_BINARY" \
    --extra "$TB_KDIR/vmlinuz:/boot/vmlinuz" --out "$TB_INITRD" 2>&1 | sed "s/^/[$TB_NAME] /"
}
