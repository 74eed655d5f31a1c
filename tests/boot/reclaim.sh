# Helpers for the pmemreclaim scenarios (TEST-legacy-*.sh). Source after lib.sh.
# Each scenario boots the real static binary as rdinit and asserts on what the guest kernel
# reports (/proc/iomem, MemTotal, sha256 of kept bytes in the guest and in the RAM file),
# then runs the standard ndctl + daxctl path on the same carve in the same VM configuration
# and prints both side by side.

# tr_require_binary: the real static binary is mandatory for these tests
tr_require_binary() {
  tb_have_binary || tb_die "PMEMRECLAIM_BINARY is not set to the static pmemreclaim (see README)"
}

# tr_dmesg_has LOG TEXT: the guest kernel log (dmesg section of the report) contains TEXT
tr_dmesg_has() { tb_section "$1" dmesg | grep -qF -- "$2"; }
tr_dmesg_lacks() { ! tr_dmesg_has "$@"; }

# tr_lost LOG: carve bytes not onlined as kmem and not kept (kept = $2 bytes, default 0)
tr_lost() { echo $(( $(tb_carve_bytes "$1") - $(tb_kmem_bytes "$1") - ${2:-0} )); }

# tr_ndctl_boot LOG MEMMAP NS [EXTRA]: the standard path on the same carve: ndctl create-namespace
# -m devdax -M mem on NS, then daxctl reconfigure-device -m system-ram; sets TR_NDCTL_KMEM
tr_ndctl_boot() {
  local log=$1 memmap=$2 ns=$3 extra=${4:-}
  tb_ramfile_create "$TB_WORK/ram-ndctl"
  # Same image: without a pmemreclaim= option the binary hands straight to the test init.
  tb_boot "$log" "$memmap test.ndctl=devdax test.ns=$ns $extra" "$TB_WORK/ram-ndctl" || true
  TR_NDCTL_KMEM=$(tb_kmem_bytes "$log")
  TR_NDCTL_MEMTOTAL=$(( $(tb_report "$log" memtotal_kb) * 1024 ))
}

# tr_compare NAME LOG_OURS KEPT LOG_NDCTL: prints the side-by-side line the issue notes quote
tr_compare() {
  local name=$1 ours=$2 kept=$3 theirs=$4
  local carve kmem nkmem
  carve=$(tb_carve_bytes "$ours"); kmem=$(tb_kmem_bytes "$ours"); nkmem=$(tb_kmem_bytes "$theirs")
  echo "[$TB_NAME] COMPARE $name carve=$carve kept=$kept pmemreclaim_onlined=$kmem pmemreclaim_lost=$((carve - kept - kmem))" \
       "ndctl_daxctl_onlined=$nkmem ndctl_daxctl_lost=$((carve - kept - nkmem))"
  # MemTotal moves with kmem: the difference between the two boots is the difference in kmem
  local mt nmt d
  mt=$(tb_memtotal_bytes "$ours"); nmt=$(tb_memtotal_bytes "$theirs")
  d=$(( (mt - nmt) - (kmem - nkmem) )); d=${d#-}
  if [ "$d" -le "${TB_MEMTOTAL_SLACK:-65536}" ]; then
    tb_pass "MemTotal difference $((mt - nmt)) matches the kmem difference $((kmem - nkmem))"
  else
    tb_fail "MemTotal difference $((mt - nmt)) vs kmem difference $((kmem - nkmem)): off by $d"
  fi
}
