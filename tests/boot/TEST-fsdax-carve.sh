#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Linux 7.2: a carve that holds an fsdax namespace someone else made is left exactly as it is (issue 12),
# also when `auto` would prefer ramdax. Boot 1, no pmemreclaim= option, `memmap=2G!4G`: the guest makes an
# fsdax namespace on it (`ndctl create-namespace -f -e namespace0.0 -m fsdax -M mem`: the page structs
# in RAM, so that the kernel itself never writes the carve when it probes the namespace) and writes a
# 4 MiB pattern at the start of /dev/pmem0 (guest/fsdax.sh). The whole carve (2 GiB at guest physical
# 4 GiB) is then hashed in the RAM file and the file kept as the starting point of each boot 2 on it:
#   pmemreclaim=auto pmemreclaim.keep=126M   (legacy has to leave the region: auto's other choice is ramdax)
#   pmemreclaim=ramdax pmemreclaim.keep=126M
#   pmemreclaim=legacy
# After each: the carve's 2 GiB in the RAM file byte-identical, no System RAM (kmem), namespace0.0 still
# claimed by the same pfn device (uuid, mode, align, data range) and /dev/pmem0 of the same size reading
# the pattern in the guest, the e820_pmem platform device still bound to nd_e820's driver (named
# "e820_pmem"; not ramdax), no kernel Oops/BUG/call trace. (The namespace's sysfs mode says "memory"
# for fsdax and for a raw label-less namespace alike: its holder is what tells them apart.)
# Then the same fsdax with its info block edited in the RAM file from the host (tests/boot/pfn-sb.py): a
# checksum byte flipped (the kernel attaches the namespace raw) and dataoff moved 64 KiB off alignment with
# the checksum recomputed (the kernel refuses it), each booted with legacy and with auto + keep=126M: the
# carve byte-identical, no kmem, e820_pmem still nd_e820's.
set -euo pipefail
TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
t_start=$SECONDS
tb_setup
plen=$((4 * MiB)) carve=$((4 * GiB)) csize=$((2 * GiB))
tb_pattern 61 $plen > "$TB_WORK/fsdax-pattern"
pwant=$(tb_pattern_sha256 61 $plen)
tb_build_initrd --extra "$TB_WORK/fsdax-pattern:/test/fsdax-pattern"
memmap='memmap=2G!4G printk.devkmsg=on'
# carve_sha256 RAMFILE: sha256 of the carve's 2 GiB (openssl: 4x faster here than sha256sum)
carve_sha256() {
  dd if="$1" bs=4M skip="$(tb_gpa_to_off $carve)" count=$csize iflag=skip_bytes,count_bytes status=none \
    | openssl dgst -sha256 -r | cut -d' ' -f1
}
show() {
  < "$1" grep -E '^@@(fsdax_|nd_region|nd_namespace|nd_bus|sha256)' | sed "s/^/    $2| /" || true
  tb_section "$1" kmsg | sed "s/^/    $2| /" || true
}

# ---- boot 1: the fsdax namespace and its data ----
tb_ramfile_create "$TB_RAMDIR/ram"
tb_boot "$TB_WORK/make.log" "$memmap test.run=fsdax test.fsdax=make test.kept=/dev/pmem0:$plen" \
  || tb_die "boot 1 (making the fsdax namespace) did not reach the end of the report"
log=$TB_WORK/make.log
show "$log" make
# the pfn device as the kernel found it: everything but its name (a later boot's autodetected one is
# pfn0.1: pfn0.0 is the region's seed then)
pfn=$(tb_report "$log" fsdax_pfn | cut -d' ' -f2-) pmem0=$(tb_report "$log" fsdax_pmem0)
tb_assert_eq "boot 1: a pfn device claims namespace0.0" "namespace=namespace0.0 mode=ram align=2097152" \
  "$(echo "$pfn" | cut -d' ' -f1-3)"
tb_assert_eq "boot 1: namespace0.0's holder is it" "namespace0.0 mode=memory holder=$(tb_report "$log" fsdax_pfn 1 | grep . || echo '(no pfn device)')" \
  "$(tb_report "$log" fsdax_namespace | cut -d' ' -f1-3)"
tb_assert_eq "boot 1: /dev/pmem0 size (2 GiB - 2 MiB info block)" $((csize - 2 * MiB)) "$pmem0"
tb_assert_eq "boot 1: pattern written through /dev/pmem0" 0 "$(tb_report "$log" fsdax_write_rc)"
tb_assert_eq "boot 1: pattern read back from /dev/pmem0" "$pwant" "$(tb_report "$log" sha256 2)"
tb_assert_eq "boot 1: kmem bytes" 0 "$(tb_kmem_bytes "$log")"
t0=$SECONDS; want=$(carve_sha256 "$TB_RAMDIR/ram"); t_hash=$((SECONDS - t0))
tb_log "carve sha256 after boot 1: $want (hashing 2 GiB took ${t_hash}s)"
[ "$TB_FAILS" -eq 0 ] || tb_die "no fsdax namespace to test with"
mv "$TB_RAMDIR/ram" "$TB_RAMDIR/ram.fsdax"

# ---- boot 2 on the same RAM file, once per strategy ----
for opts in 'pmemreclaim=auto pmemreclaim.keep=126M' 'pmemreclaim=ramdax pmemreclaim.keep=126M' 'pmemreclaim=legacy'; do
  name=${opts%% *}; name=${name#pmemreclaim=}
  log=$TB_WORK/$name.log
  cp --sparse=always "$TB_RAMDIR/ram.fsdax" "$TB_RAMDIR/ram"
  tb_boot "$log" "$memmap $opts test.run=fsdax test.kept=/dev/pmem0:$plen" \
    || tb_fail "$name: the boot did not reach the end of the report"
  show "$log" "$name"
  after=$(carve_sha256 "$TB_RAMDIR/ram")
  errs=$(tb_oopses "$log")
  [ -z "$errs" ] || sed "s/^/    $name| kernel: /" <<<"$errs"
  drv=$(tb_report "$log" fsdax_e820_pmem_driver 1)
  tb_assert_eq "$name: the carve's 2 GiB in the RAM file after poweroff" "$want" "$after"
  tb_assert_eq "$name: kmem bytes" 0 "$(tb_kmem_bytes "$log")"
  tb_assert_eq "$name: the same pfn device (uuid, mode, align, data range)" "$pfn" "$(tb_report "$log" fsdax_pfn | cut -d' ' -f2-)"
  tb_assert_eq "$name: namespace0.0's holder is it" "namespace0.0 mode=memory holder=$(tb_report "$log" fsdax_pfn 1 | grep . || echo '(no pfn device)')" \
    "$(tb_report "$log" fsdax_namespace | cut -d' ' -f1-3)"
  tb_assert_eq "$name: /dev/pmem0 size" "$pmem0" "$(tb_report "$log" fsdax_pmem0)"
  tb_assert_eq "$name: pattern read from /dev/pmem0 in the guest" "$pwant" "$(tb_report "$log" sha256 2)"
  tb_assert_eq "$name: e820_pmem's driver" e820_pmem "$drv"
  tb_assert_eq "$name: kernel Oops/BUG/call trace lines" "" "$errs"
  echo "[$TB_NAME] RESULT opts='$opts' carve=$([ "$after" = "$want" ] && echo same || echo CHANGED)" \
    "kmem=$(tb_kmem_bytes "$log") namespace0.0_$(tb_report "$log" fsdax_namespace 3)" \
    "e820_pmem_driver=$drv pmem0_pattern=$([ "$(tb_report "$log" sha256 2)" = "$pwant" ] && echo same || echo DIFFERENT)" \
    "kernel_errors=$(grep -c . <<<"$errs" || true) wall=${TB_WALL}s"
done

# ---- boot 2 on the fsdax edited from the host (issue 21, point 1: a signature is someone's data) ----
# flip-checksum: one checksum byte flipped, the kernel no longer knows the block and attaches the
# namespace raw; move-dataoff: dataoff 64 KiB off alignment with the checksum recomputed, a valid block the
# kernel refuses ("bad offset ... dax disabled", no driver). Either way nothing of the carve is written,
# onlined or moved to ramdax, with legacy and with auto plus a keep (auto's other choice is ramdax).
sb=$TB_ROOT/tests/boot/pfn-sb.py
for edit in flip-checksum move-dataoff; do
  cp --sparse=always "$TB_RAMDIR/ram.fsdax" "$TB_RAMDIR/ram.$edit"
  "$sb" "$TB_RAMDIR/ram.$edit" "$(tb_gpa_to_off $carve)" $edit $((64 << 10)) || tb_die "$edit: pfn-sb.py failed"
  edited=$(carve_sha256 "$TB_RAMDIR/ram.$edit")
  for opts in 'pmemreclaim=legacy' 'pmemreclaim=auto pmemreclaim.keep=126M'; do
    name=$edit-${opts%% *}; name=${name/pmemreclaim=/}
    log=$TB_WORK/$name.log
    cp --sparse=always "$TB_RAMDIR/ram.$edit" "$TB_RAMDIR/ram"
    tb_boot "$log" "$memmap $opts test.run=fsdax" || tb_fail "$name: the boot did not reach the end of the report"
    show "$log" "$name"
    after=$(carve_sha256 "$TB_RAMDIR/ram")
    errs=$(tb_oopses "$log")
    drv=$(tb_report "$log" fsdax_e820_pmem_driver 1)
    ns=$(tb_report "$log" fsdax_namespace)
    # what the kernel made of the edited block: the scenario is the one meant
    if [ "$edit" = flip-checksum ]; then
      tb_assert_eq "$name: the kernel attached namespace0.0 raw (no holder, nd_pmem)" "holder= driver=nd_pmem" \
        "$(echo "$ns" | cut -d' ' -f3-4)"
    else
      tb_assert_eq "$name: the kernel refused namespace0.0 (no holder, no driver)" "holder= driver=" \
        "$(echo "$ns" | cut -d' ' -f3-4)"
    fi
    tb_assert_eq "$name: the carve's 2 GiB in the RAM file after poweroff" "$edited" "$after"
    tb_assert_eq "$name: kmem bytes" 0 "$(tb_kmem_bytes "$log")"
    tb_assert_eq "$name: e820_pmem's driver (not moved to ramdax)" e820_pmem "$drv"
    tb_assert_eq "$name: kernel Oops/BUG/call trace lines" "" "$errs"
    echo "[$TB_NAME] RESULT edit=$edit opts='$opts' carve=$([ "$after" = "$edited" ] && echo same || echo CHANGED)" \
      "kmem=$(tb_kmem_bytes "$log") namespace0.0: $(echo "$ns" | cut -d' ' -f2-) e820_pmem_driver=$drv wall=${TB_WALL}s"
  done
  rm -f "$TB_RAMDIR/ram.$edit"
done
tb_log "took $((SECONDS - t_start)) s"
if [ "$TB_FAILS" -eq 0 ] && [ "${TB_KEEP:-0}" != 1 ]; then rm -f "$TB_RAMDIR/ram.fsdax"; fi
tb_finish
