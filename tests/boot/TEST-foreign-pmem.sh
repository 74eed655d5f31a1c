#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Other pmem beside the carve is never written, onlined or advised about (issue 12). The guest has a
# `memmap=2G!4G` carve and, above its 8 GiB of RAM, an ACPI NFIT NVDIMM without labels (512 MiB at
# 0x240000000, backed by the host file nvdimm.img) and a virtio-pmem device (512 MiB at 0x260000000,
# virtio-pmem.img). Their drivers (nfit, virtio_pci, virtio_pmem) are loaded and their buses probed before
# pmemreclaim runs (rdinit=/test/foreign-pmem.sh), as udev or built-in drivers would on a real machine.
# On Linux 6.1 and 7.2 (which has ramdax: auto may take it):
#   auto            pmemreclaim=auto at boot
#   auto-keep       pmemreclaim=auto pmemreclaim.keep=126M at boot (the kept bytes checked in the RAM file)
#   apply           no pmemreclaim= option at boot; then `pmemreclaim plan`, `apply` (no flags), `status`
# Asserted on what the guest kernel and the host report: both backing files byte-identical after
# poweroff; no "System RAM (kmem)" outside the carve [0x100000000-0x17fffffff] in /proc/iomem; the carve
# reclaimed as it is without the other devices; no Oops/BUG/call trace; no memmap= advice and no summary
# line about the NVDIMM/virtio-pmem ranges; and a pmemreclaim line saying a region is not a RAM carve.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
t_start=$SECONDS
TB_NVDIMM=1
carve_lo=$((4 * GiB)) carve_hi=$((6 * GiB))                  # [lo, hi)
nv_base=$((0x240000000)) vp_base=$((0x260000000)) dev_size=$((512 * MiB))
foreign_lo=$nv_base foreign_hi=$((vp_base + dev_size))        # both devices: [lo, hi)
skip_words='not a RAM carve'                                  # pmemreclaim's line for a region it leaves
mkdir -p "$TB_WORK"
NV=$TB_WORK/nvdimm.img VP=$TB_WORK/virtio-pmem.img
TB_QEMU_EXTRA="-object memory-backend-file,id=nv1,share=on,mem-path=$NV,size=$dev_size"
TB_QEMU_EXTRA+=" -device nvdimm,memdev=nv1,id=nv1"
TB_QEMU_EXTRA+=" -object memory-backend-file,id=vp1,share=on,mem-path=$VP,size=$dev_size"
TB_QEMU_EXTRA+=" -device virtio-pmem-pci,memdev=vp1,id=vp1"
# sha256_of FILE (openssl: 4x faster here than sha256sum)
sha256_of() { openssl dgst -sha256 -r "$1" | cut -d' ' -f1; }
tb_pattern 51 $dev_size > "$TB_WORK/nvdimm.golden"; nv_want=$(sha256_of "$TB_WORK/nvdimm.golden")
tb_pattern 52 $dev_size > "$TB_WORK/virtio-pmem.golden"; vp_want=$(sha256_of "$TB_WORK/virtio-pmem.golden")
# fill_devices: both backing files hold their pattern (copied again only when a boot changed them)
fill_devices() {
  cmp -s "$TB_WORK/nvdimm.golden" "$NV" || cp "$TB_WORK/nvdimm.golden" "$NV"
  cmp -s "$TB_WORK/virtio-pmem.golden" "$VP" || cp "$TB_WORK/virtio-pmem.golden" "$VP"
}
# kmem_ranges LOG: "START END" (hex, inclusive) of every System RAM (kmem) entry
kmem_ranges() { tb_section "$1" iomem | sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM (kmem)$/\1 \2/p'; }
# kmem_out LOG LO HI: kmem bytes outside [LO, HI)
kmem_out() { echo $(( $(tb_kmem_bytes "$1") - $(tr_kmem_in "$1" "$2" "$3") )); }
# pmr_lines LOG: pmemreclaim's words in this boot: its kernel-log lines and the output of the commands
# guest/foreign-apply.sh ran
pmr_lines() {
  tb_section "$1" kmsg | grep 'pmemreclaim:' || true
  < "$1" grep '^@@foreign_\(plan\|apply\|status\) ' || true
}
# foreign_advice LOG: memmap= carves (any of ! % $ #) in pmemreclaim's words that overlap the other
# devices' ranges, and "carve [0xA-0xB]" summaries of such a range; one line each
foreign_advice() {
  local tok sz st a b
  for tok in $(pmr_lines "$1" | grep -oE 'memmap=[0-9a-fA-FxX]+[KMGTkmgt]?[!%$#][0-9a-fA-FxX]+[KMGTkmgt]?' || true); do
    tok=${tok#memmap=}; sz=$(echo "$tok" | sed 's/[!%$#].*//'); st=$(echo "$tok" | sed 's/^[^!%$#]*[!%$#]//')
    a=$(tb_size "$st"); b=$((a + $(tb_size "$sz")))
    [ $a -lt $foreign_hi ] && [ $b -gt $foreign_lo ] && echo "memmap=$tok"
  done
  while read -r a b; do
    [ -n "$a" ] || continue
    [ $((a)) -lt $foreign_hi ] && [ $((b)) -ge $foreign_lo ] && echo "carve [$a-$b]"
  done < <(pmr_lines "$1" | grep -oE 'carve \[0x[0-9a-f]+-0x[0-9a-f]+\]' | sed 's/carve \[\(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\]/\1 \2/')
  return 0
}

# check FLAVOUR CASE LOG EXPECT_CARVE_KMEM (a number, or >=N)
check() {
  local fl=$1 c=$2 log=$3 expect=$4 nv vp out in adv errs
  local what="$fl $c"
  nv=$(sha256_of "$NV"); vp=$(sha256_of "$VP")
  out=$(kmem_out "$log" $carve_lo $carve_hi); in=$(tr_kmem_in "$log" $carve_lo $carve_hi)
  adv=$(foreign_advice "$log"); errs=$(tb_oopses "$log")
  < "$log" grep -E '^@@(nd_bus|nd_region|nd_namespace) ' | sed "s/^/    $what| /" || true
  kmem_ranges "$log" | sed "s/^/    $what| System RAM (kmem) /" || true
  pmr_lines "$log" | sed "s/^/    $what| /"
  [ -z "$errs" ] || sed "s/^/    $what| kernel: /" <<<"$errs"
  tb_assert_eq "$what: regions at 0x240000000 (NFIT) and 0x260000000 (virtio-pmem), 512 MiB each (setup)" 2 \
    "$(< "$log" grep -cE "^@@nd_region .* start=0x2[46]0000000 size=$dev_size " || true)"
  tb_assert_eq "$what: NVDIMM backing file after poweroff" "$nv_want" "$nv"
  tb_assert_eq "$what: virtio-pmem backing file after poweroff" "$vp_want" "$vp"
  tb_assert_eq "$what: System RAM (kmem) bytes outside the carve" 0 "$out"
  case "$expect" in
    '>='*) tb_assert_ge "$what: kmem bytes in the carve" "${expect#>=}" "$in" ;;
    *) tb_assert_eq "$what: kmem bytes in the carve" "$expect" "$in" ;;
  esac
  tb_assert_eq "$what: advice or summary about the NVDIMM/virtio-pmem ranges" "" "$(paste -sd' ' <<<"$adv")"
  tb_assert_eq "$what: kernel Oops/BUG/call trace lines" "" "$errs"
  if [ "$c" = apply ]; then  # apply on the running system: its output, no record of a boot
    tb_assert_ge "$what: pmemreclaim lines saying '$skip_words'" 1 "$(pmr_lines "$log" | grep -cF "$skip_words" || true)"
  else                      # the boot's record names both, not carves, whichever strategy auto took
    tb_assert_eq "$what: the record's skipped regions" "ACPI.NFIT not-a-carve,virtio-pmem not-a-carve" \
      "$(tb_record "$log" '[.skipped[] | "\(.bus) \(.reason)"] | sort | join(",")')"
  fi
  echo "[$TB_NAME] RESULT kernel=$fl case=$c kmem_carve=$in kmem_outside=$out" \
    "nvdimm_file=$([ "$nv" = "$nv_want" ] && echo same || echo CHANGED)" \
    "virtio_pmem_file=$([ "$vp" = "$vp_want" ] && echo same || echo CHANGED)" \
    "foreign_advice=$(paste -sd';' <<<"$adv" | tr ' ' '_') kernel_errors=$(grep -c . <<<"$errs" || true) wall=${TB_WALL}s"
}

base='memmap=2G!4G printk.devkmsg=on rdinit=/test/foreign-pmem.sh'
for flavour in bookworm-amd64 sid-amd64; do
  TB_KERNEL_FLAVOUR=$flavour
  tb_setup
  tb_build_initrd "$TB_WORK/$flavour.cpio.gz" --with-module nfit --with-module virtio_pci --with-module virtio_pmem
  if [ $flavour = bookworm-amd64 ]; then
    # 6.1: auto is legacy; with 126 MiB kept legacy refuses the one region (its info block would land on
    # kept data): nothing onlined
    e_auto=$((1920 * MiB)) e_keep=0
  else
    # 7.2: auto takes legacy or ramdax, whichever onlines more (at least ramdax's 1792 MiB); with 126 MiB
    # kept, ramdax: 1792 MiB (TEST-ramdax-keep-auto)
    e_auto=">=$((1792 * MiB))" e_keep=$((1792 * MiB))
  fi

  fill_devices; tb_ramfile_create "$TB_RAMDIR/ram"
  tb_boot "$TB_WORK/$flavour-auto.log" "$base pmemreclaim=auto" \
    || tb_fail "$flavour auto: the boot did not reach the end of the report"
  check $flavour auto "$TB_WORK/$flavour-auto.log" "$e_auto"

  fill_devices; tb_ramfile_create "$TB_RAMDIR/ram"
  kept_want=$(tb_write_pattern "$TB_RAMDIR/ram" $carve_lo 53 $((126 * MiB)))
  tb_boot "$TB_WORK/$flavour-auto-keep.log" "$base pmemreclaim=auto pmemreclaim.keep=126M" \
    || tb_fail "$flavour auto-keep: the boot did not reach the end of the report"
  check $flavour auto-keep "$TB_WORK/$flavour-auto-keep.log" "$e_keep"
  tb_assert_eq "$flavour auto-keep: kept 126 MiB in the RAM file after poweroff" "$kept_want" \
    "$(tb_read_sha256 "$TB_RAMDIR/ram" $carve_lo $((126 * MiB)))"

  fill_devices; tb_ramfile_create "$TB_RAMDIR/ram"
  tb_boot "$TB_WORK/$flavour-apply.log" "$base test.run=foreign-apply" \
    || tb_fail "$flavour apply: the boot did not reach the end of the report"
  check $flavour apply "$TB_WORK/$flavour-apply.log" "$e_auto"
done
tb_log "took $((SECONDS - t_start)) s"
if [ "$TB_FAILS" -eq 0 ] && [ "${TB_KEEP:-0}" != 1 ]; then rm -f "$NV" "$VP" "$TB_WORK"/*.golden; fi
tb_finish
