#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Named kept slices at scale on hmem (part 17), as a VM host keeps each guest's memory: 176 slices of 1 GiB
# in one soft-reserved carve. Guest: 184 GiB (sparse RAM file; the guest touches about 330 MiB of it: the
# dax devices' memory map is the compound one of 1 GiB pages, and nothing writes into the slices), 1 vCPU,
# sid (7.2), memmap=178G%4G-1+0xefffffff nokaslr pmemreclaim=hmem pmemreclaim.keep=vm*176:1G@1G:
# the carve [4G, 182G) lies below the end of RAM (185G; kmem needs a NUMA node for it), the slices vm0..vm175
# at 4G + i GiB, the last 2 GiB (2 memory blocks of 1 GiB: 184 GiB of RAM makes the kernel's blocks 1 GiB)
# onlined by kmem, nothing lost. pmemreclaim.timeout=300: under TCG on a busy 2-core host the job took
# 6.4-13.3 s (the default timeout is 60 s). One boot, 40-60 s.
# Asserted, from the record and the guest kernel: the record is ok and lists the 176 slices in order, each
# at its planned address with size 1 GiB and align 1073741824, on a device of its own; each
# /dev/pmemreclaim/NAME is that device as the kernel reports it (resource, size, align 1073741824,
# device_dax); no System RAM (kmem) in the slices; the kmem bytes are the record's onlined bytes (2 GiB,
# 0 lost); no Oops. Printed and added to compare.txt: "slices-scale: 176 slices: job X ms (kernel Y ms)",
# pmemreclaim's own timing line (kernel: the job's system time).
# Not a holder of the host-memory lock: the 184 GiB RAM file stays sparse (host memory peak ~0.4 GiB).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
n=${TB_SLICES:-176}
TB_KERNEL_FLAVOUR=sid-amd64
TB_MEM=$((n + 8))G    # 3 GiB below 4G, then the carve (n + 2 GiB), then 3 GiB of RAM
TB_SMP=1
carve="memmap=$((n + 2))G%4G-1+0xefffffff nokaslr pmemreclaim=hmem pmemreclaim.keep=vm*$n:1G@1G"
carve+=" pmemreclaim.timeout=300 test.run=slices"

tb_setup
tb_build_initrd
tb_ramfile_create "$TB_RAMDIR/ram"
log=$TB_WORK/boot.log
tb_boot "$log" "$carve" || true

tb_assert_eq "the record's ok" true "$(tb_record "$log" '.ok')"
tb_assert_eq "the record's onlined and lost bytes" "$((2 * GiB)) 0" \
  "$(tb_record "$log" '"\(.carves[0].onlined) \(.carves[0].lost)"')"
tb_assert_eq "kmem bytes = the record's onlined bytes" "$(tb_record "$log" '.carves[0].onlined')" "$(tb_kmem_bytes "$log")"
tb_assert_eq "no System RAM (kmem) in the slices" 0 "$(tr_kmem_in "$log" $((4 * GiB)) $(((4 + n) * GiB)))"

# the record's slices: NAME START SIZE ALIGN DEVICE, in order
mapfile -t rec < <(tb_record "$log" '.carves[0].slices[] | "\(.name) \(.range.start) \(.range.size) \(.align) \(.device)"')
tb_assert_eq "slices in the record" "$n" "${#rec[@]}"
# the guest's /dev/pmemreclaim links: NAME -> DEVICE RESOURCE SIZE ALIGN DRIVER
declare -A link=()
while read -r name rest; do link[$name]=$rest; done < <(sed -n 's/^@@slice //p' "$log")
tb_assert_eq "/dev/pmemreclaim links" "$n" "${#link[@]}"
bad_rec='' bad_dev='' devs=''
for ((i = 0; i < n; i++)); do
  start=$(((4 + i) * GiB))
  read -r name rstart rsize ralign dev <<<"${rec[$i]:-}"
  [ "$name $rstart $rsize $ralign" = "vm$i $start $GiB $GiB" ] || bad_rec+=" [${rec[$i]:-none} (want vm$i $start $GiB $GiB)]"
  want="${dev:-?} $(printf '0x%x' "$start") $GiB $GiB device_dax"
  [ "${link[vm$i]:-none}" = "$want" ] || bad_dev+=" [vm$i: ${link[vm$i]:-none} (want $want)]"
  devs+="$dev"$'\n'
done
tb_assert_eq "slices not at their planned range and align in the record" "" "$bad_rec"
tb_assert_eq "/dev/pmemreclaim links not on the record's device as planned (resource, size, align, device_dax)" "" "$bad_dev"
tb_assert_eq "distinct slice devices" "$n" "$(printf '%s' "$devs" | sort -u | grep -c .)"
tb_assert_no_oops "boot" "$log"

# pmemreclaim's timing line (the kmsg section: every pmemreclaim line, where dmesg keeps the last 80)
read -r job kernel < <(tb_section "$log" kmsg \
  | sed -n 's/.*pmemreclaim: timing: job \([0-9]*\) ms (kernel \([0-9]*\) ms).*/\1 \2/p' | tail -n 1; echo) || true
tb_assert_true "a timing line (job ${job:-none} ms, kernel ${kernel:-none} ms)" [ -n "${kernel:-}" ]
line="slices-scale: $n slices: job ${job:-?} ms (kernel ${kernel:-?} ms)"
tb_log "$line"
echo "[$TB_NAME] $line" >> "$TB_ROOT/.cache/boot-tests/compare.txt"
tb_finish
