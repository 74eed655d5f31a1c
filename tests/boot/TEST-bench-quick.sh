#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmark command (qemu/bench.sh --quick: one row, legacy memmap=2G!4G on 128 MiB blocks) runs and
# its numbers are what the guest kernel reported: both paths onlined 1920 MiB (System RAM (kmem) in
# /proc/iomem, read after each step), every time is a positive number, the kernel time of the onlining
# writes is within pmemreclaim's time, and the Markdown table carries the row.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
mkdir -p "$TB_WORK"
out=$TB_WORK/bench
rm -rf "$out"
"$TB_ROOT/qemu/bench.sh" --quick --out "$out" > "$TB_WORK/bench.stdout" 2> "$TB_WORK/bench.stderr" \
  || { tail -20 "$TB_WORK/bench.stderr"; tb_die "qemu/bench.sh --quick failed"; }
json=$out/bench.json
tb_assert_true "bench.json is JSON with one row" [ "$(jq '.rows | length' "$json")" = 1 ]
q() { jq -r ".rows[0].$1" "$json"; }
tb_assert_eq "kernel (guest uname -r)" "$(cat "$("$TB_ROOT/qemu/kernel.sh" fetch bookworm-amd64)/kver")" "$(q kernel)"
tb_assert_eq "block size" $((128 * MiB)) "$(q block_bytes)"
tb_assert_eq "pmemreclaim (PID 1) onlined" $((1920 * MiB)) "$(q pmemreclaim.onlined_bytes)"
tb_assert_eq "pmemreclaim apply (warm) onlined" $((1920 * MiB)) "$(q pmemreclaim.warm_onlined_bytes)"
tb_assert_eq "ndctl + daxctl onlined" $((1920 * MiB)) "$(q ndctl_daxctl.onlined_bytes)"
tb_assert_eq "ndctl + daxctl exit status" 0 "$(q ndctl_daxctl.rc)"
tb_assert_eq "ndctl + daxctl, second run, onlined" $((1920 * MiB)) "$(q ndctl_daxctl.second_onlined_bytes)"
tb_assert_eq "ndctl + daxctl, second run, exit status" 0 "$(q ndctl_daxctl.second_rc)"
for k in pmemreclaim.cold_ms pmemreclaim.warm_ms ndctl_daxctl.ms pmemreclaim.warm_onlining_ms; do
  tb_assert_true "$k is a positive number ($(q $k))" [ "$(q $k)" -gt 0 ]
done
tb_assert_true "onlining kernel time within pmemreclaim's warm time" \
  [ "$(q pmemreclaim.warm_onlining_kernel_ms)" -le "$(q pmemreclaim.warm_ms)" ]
tb_assert_true "binary size reported" [ "$(jq .sizes.x86_64_binary_bytes "$json")" -gt 100000 ]
tb_assert_true "Markdown row printed" grep -q '^| legacy-aligned | 6.1.0 x86_64 | 128 MiB | 2048 MiB | 0 MiB | legacy | 1920 MiB / 128 MiB | 1920 MiB / 128 MiB |' "$TB_WORK/bench.stdout"
sed 's/^/    /' "$TB_WORK/bench.stdout"
tb_finish
