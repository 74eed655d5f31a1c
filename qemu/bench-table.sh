#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Renders qemu/bench.sh's bench.json as Markdown tables (the ones README quotes).
#   qemu/bench-table.sh bench.json
set -euo pipefail
jq -r '
def mib: if . == null then "?" elif . % 1048576 == 0 then "\(. / 1048576) MiB"
         elif . % 1024 == 0 then "\(. / 1024) KiB" else "\(.) B" end;
def n: if . == null then "?" else tostring end;
def ratio(a; b): if a == null or b == null or b == 0 then "?" else ((a / b * 10 | round) / 10 | tostring) + "×" end;
def pct(a; b): if a == null or b == null or b == 0 then "?" else "\(a * 100 / b | round) %" end;
def lost(on): if on == null then "?" else (.carve_bytes - .kept_bytes - on) | mib end;
def block: if .block_bytes == null then "?" else .block_bytes | mib end;
def kernel: (.kernel | split("-")[0]) + " " + .arch;
"Benchmark: \(.date), commit \(.commit)\(if .binary then " (x86_64 binary sha256 \(.binary.sha256[0:12]))" else "" end), \(.machine). Guest times under TCG: compare ratios, not absolute values.",
(if [.rows[] | select(.group == "matrix")] == [] then empty else
"",
"| row | kernel | block | carve | kept | strategy | pmemreclaim onlined / lost | ndctl+daxctl onlined / lost | pmemreclaim start→handoff (cold) | pmemreclaim apply (warm) | ndctl+daxctl | tools ÷ pmemreclaim (warm) | onlining writes in the kernel (warm) | their share | pmemreclaim above that floor |",
"|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
(.rows[] | select(.group == "matrix") |
 "| \(.id) | \(kernel) | \(block) | \(.carve_bytes | mib) | \(.kept_bytes | mib) | \(.strategy) | \(.pmemreclaim.onlined_bytes | mib) / \(lost(.pmemreclaim.onlined_bytes)) | \(.ndctl_daxctl.onlined_bytes | mib) / \(lost(.ndctl_daxctl.onlined_bytes)) | \(.pmemreclaim.cold_ms | n) ms | \(.pmemreclaim.warm_ms | n) ms | \(.ndctl_daxctl.ms | n) ms | \(ratio(.ndctl_daxctl.ms; .pmemreclaim.warm_ms)) | \(.pmemreclaim.warm_onlining_kernel_ms | n) ms | \(pct(.pmemreclaim.warm_onlining_kernel_ms; .pmemreclaim.warm_ms)) | \(if .pmemreclaim.warm_ms == null or .pmemreclaim.warm_onlining_kernel_ms == null then "?" else "\(.pmemreclaim.warm_ms - .pmemreclaim.warm_onlining_kernel_ms) ms" end) |")
end),
(if [.rows[] | select(.group == "scale" or .id == "legacy-aligned")] == [] then empty else
"",
"Scale (legacy, aligned carve at 4 GiB, 128 MiB blocks; time per GiB onlined):",
"",
"| carve | onlined | pmemreclaim (warm) | per GiB | onlining writes in the kernel | per GiB | pmemreclaim start→handoff (cold) | ndctl+daxctl | per GiB | tools ÷ pmemreclaim |",
"|---|---|---|---|---|---|---|---|---|---|",
(.rows[] | select(.group == "scale" or .id == "legacy-aligned") | (.pmemreclaim.warm_onlined_bytes // 0) as $on | ($on / 1073741824) as $g |
 def per(x): if x == null or $g == 0 then "?" else "\(x / $g | round) ms" end;
 "| \(.carve_bytes | mib) | \($on | mib) | \(.pmemreclaim.warm_ms | n) ms | \(per(.pmemreclaim.warm_ms)) | \(.pmemreclaim.warm_onlining_kernel_ms | n) ms | \(per(.pmemreclaim.warm_onlining_kernel_ms)) | \(.pmemreclaim.cold_ms | n) ms | \(.ndctl_daxctl.ms | n) ms | \(per(.ndctl_daxctl.ms)) | \(ratio(.ndctl_daxctl.ms; .pmemreclaim.warm_ms)) |"),
"",
([.rows[] | select(.group == "scale" or .id == "legacy-aligned") | select(.pmemreclaim.warm_onlined_bytes != null)
  | {x: (.pmemreclaim.warm_onlined_bytes / 1073741824), ours: .pmemreclaim.warm_ms,
     floor: .pmemreclaim.warm_onlining_kernel_ms, tools: .ndctl_daxctl.ms, cold: .pmemreclaim.cold_ms}] as $pts
 | def fit(k): [$pts[] | select(.[k] != null) | {x, y: .[k]}] as $p | ($p | length) as $n
     | if $n < 2 then "?" else
       ([$p[].x] | add) as $sx | ([$p[].y] | add) as $sy | ([$p[] | .x * .y] | add) as $sxy
       | ([$p[] | .x * .x] | add) as $sxx | (($n * $sxy - $sx * $sy) / ($n * $sxx - $sx * $sx)) as $b
       | (($sy - $b * $sx) / $n) as $a
       | ([$p[] | (($a + $b * .x) - .y) | fabs] | max) as $dev
       | "\($a | round) ms + \($b | round) ms/GiB (largest residual \($dev | round) ms)" end;
 if ($pts | length) < 2 then empty else
 "Least-squares lines over these carves: pmemreclaim (warm) \(fit("ours")); its onlining writes in the kernel \(fit("floor")); ndctl+daxctl \(fit("tools")); pmemreclaim as PID 1 (cold, module loading included) \(fit("cold"))." end)
end),
(if [.rows[] | select(.group == "cold")] == [] then empty else
 "",
 "Cold (legacy, aligned carve at 4 GiB, 128 MiB blocks, 24 GiB guest; PID 1 job against `pmemreclaim apply` in the same boot; RAM backing: the guest RAM in a sparse host file, or in anonymous host memory; recold: the PID 1 job again at the end of the same boot, `pmemreclaim boot` after the nvdimm/dax modules were unloaded, in guest memory the earlier steps warmed):",
 "",
 "| row | kernel | carve | backing | onlined (cold) | module loading (cold) | pmemreclaim start→handoff (cold) | pmemreclaim apply (warm) | pmemreclaim boot (recold) | module loading (recold) |",
 "|---|---|---|---|---|---|---|---|---|---|",
 (.rows[] | select(.group == "cold") |
  "| \(.id) | \(kernel) | \(.carve_bytes | mib) | \(.ram_backing // "file") | \(.pmemreclaim.onlined_bytes | mib) | \(.pmemreclaim.cold_modules_ms | n) ms | \(.pmemreclaim.cold_ms | n) ms | \(.pmemreclaim.warm_ms | n) ms | \(.pmemreclaim.recold_ms | n) ms | \(.pmemreclaim.recold_modules_ms | n) ms |"),
 "",
 # per kernel and backing: the smallest carve against the largest
 ([.rows[] | select(.group == "cold")] as $c
  | reduce ($c[] | [kernel, (.ram_backing // "file")]) as $k ([]; if index([$k]) then . else . + [$k] end)
  | .[] as $k | [$c[] | select([kernel, (.ram_backing // "file")] == $k)] | sort_by(.carve_bytes)
  | select(length >= 2 and .[0].carve_bytes < .[-1].carve_bytes)
  | .[0] as $s | .[-1] as $l | ($s.carve_bytes / 1073741824) as $gs | ($l.carve_bytes / 1073741824) as $gl
  | (($l.carve_bytes - $s.carve_bytes) / 1073741824) as $dg
  | def slope(k): if $l.pmemreclaim[k] == null or $s.pmemreclaim[k] == null then null
      else ($l.pmemreclaim[k] - $s.pmemreclaim[k]) / $dg end;
    def ms1: if . == null then "?" else "\(. | round) ms/GiB" end;
    def r2(a; b): if a == null or b == null or b == 0 then "?" else "\((a / b * 100 | round) / 100)×" end;
    def diff(k): "(\($l.pmemreclaim[k] | n) − \($s.pmemreclaim[k] | n)) ms / \($dg) GiB";
  "- \($s | kernel), \($s.ram_backing // "file"): module loading \($gl) GiB / \($gs) GiB = \($l.pmemreclaim.cold_modules_ms | n) / \($s.pmemreclaim.cold_modules_ms | n) ms = \(r2($l.pmemreclaim.cold_modules_ms; $s.pmemreclaim.cold_modules_ms)); cold slope \(diff("cold_ms")) = \(slope("cold_ms") | ms1), warm slope \(diff("warm_ms")) = \(slope("warm_ms") | ms1), cold/warm = \(r2(slope("cold_ms"); slope("warm_ms")))",
  (if $l.pmemreclaim.recold_ms == null and $s.pmemreclaim.recold_ms == null then empty else
  "- \($s | kernel), \($s.ram_backing // "file"), recold: module loading \($gl) GiB / \($gs) GiB = \($l.pmemreclaim.recold_modules_ms | n) / \($s.pmemreclaim.recold_modules_ms | n) ms = \(r2($l.pmemreclaim.recold_modules_ms; $s.pmemreclaim.recold_modules_ms)); recold slope \(diff("recold_ms")) = \(slope("recold_ms") | ms1), recold/warm = \(r2(slope("recold_ms"); slope("warm_ms")))" end))
 end),
(if [.rows[] | select(.group == "strategies")] == [] then empty else
 "",
 "Strategies (Linux 7.2, 24 GiB guest, carve at 4 GiB, 128 MiB blocks; the PID 1 job and its module loading from pmemreclaim'"'"'s timing: line; first: the boot that makes the layout, reuse: the next boot on the same RAM file, which finds it; slope: (job at 16 GiB − job at 2 GiB) / the GiB between the carves):",
 "",
 "| strategy | boot | onlined | module loading | 16 GiB ÷ 2 GiB | job | slope per GiB | ÷ legacy'"'"'s |",
 "|---|---|---|---|---|---|---|---|",
 ([.rows[] | select(.group == "strategies")] as $r
  | def row(name; g): [$r[] | select(.id == "strategies-\(name)-\(g)G")][0];
    def at(b): if b == "first" then {job: .pmemreclaim.cold_job_ms, mod: .pmemreclaim.cold_modules_ms, on: .pmemreclaim.onlined_bytes}
               else {job: .pmemreclaim.reuse.job_ms, mod: .pmemreclaim.reuse.modules_ms, on: .pmemreclaim.reuse.onlined_bytes} end;
    def slope(name; b): row(name; 2) as $s | row(name; 16) as $l
      | if $s == null or $l == null or ($s | at(b)).job == null or ($l | at(b)).job == null then null
        else ((($l | at(b)).job - ($s | at(b)).job) / (($l.carve_bytes - $s.carve_bytes) / 1073741824)) end;
    def r2(a; b): if a == null or b == null or b == 0 then "?" else "\((a / b * 100 | round) / 100)×" end;
  ["legacy", "auto-legacy", "auto-ramdax", "ramdax"][] as $name | ["first", "reuse"][] as $b
  | row($name; 2) as $s | row($name; 16) as $l | select($s != null and $l != null)
  | ($s | at($b)) as $x | ($l | at($b)) as $y
  | "| \($name) | \($b) | \($x.on | mib) / \($y.on | mib) | \($x.mod | n) / \($y.mod | n) ms | \(r2($y.mod; $x.mod)) | \($x.job | n) / \($y.job | n) ms | \(slope($name; $b) | if . == null then "?" else "\(. | round) ms" end) | \(r2(slope($name; $b); slope("legacy"; $b))) |")
 end),
(if [.rows[] | select(.group == "carves")] == [] then empty else
 "",
 "Carves (Linux 7.2, legacy, carve at 4 GiB, the guest 8 GiB larger; the PID 1 job from pmemreclaim'"'"'s timing: line, wall and its kernel CPU time, and the part spent onlining; slope: the job'"'"'s growth per GiB of carve from the row above):",
 "",
 "| carve | onlined / lost | module loading | job (kernel) | onlining (kernel) | slope per GiB | ÷ slope 2→16 GiB |",
 "|---|---|---|---|---|---|---|",
 ([.rows[] | select(.group == "carves")] | sort_by(.carve_bytes) as $c
  | def slope(i): if i < 1 or $c[i].pmemreclaim.cold_job_ms == null or $c[i - 1].pmemreclaim.cold_job_ms == null then null
      else ($c[i].pmemreclaim.cold_job_ms - $c[i - 1].pmemreclaim.cold_job_ms) / (($c[i].carve_bytes - $c[i - 1].carve_bytes) / 1073741824) end;
    def onl(p): p | if . == null then "?" else "\(.[0]) ms (\(.[1]) ms)" end;
    def ph(t; name): t | if . == null then null else (capture(name + " (?<w>[0-9]+) ms \\(kernel (?<k>[0-9]+) ms") | [.w, .k]) // null end;
  range(0; $c | length) as $i | $c[$i] as $r
  | "| \($r.carve_bytes | mib) | \($r.pmemreclaim.onlined_bytes | mib) / \($r | lost($r.pmemreclaim.onlined_bytes)) | \($r.pmemreclaim.cold_modules_ms | n) ms | \($r.pmemreclaim.cold_job_ms | n) ms (\($r.pmemreclaim.cold_job_kernel_ms | n) ms) | \(onl(ph($r.pmemreclaim.timing_cold; "onlining"))) | \(slope($i) | if . == null then "" else "\(. * 10 | round / 10) ms" end) | \(if $i < 1 or slope($i) == null or slope(1) == null or slope(1) == 0 then "" else "\((slope($i) / slope(1) * 100 | round) / 100)×" end) |")
 end),
(if [.rows[] | select(.group == "memmap")] == [] then empty else
 "",
 "memmap_on_memory (Linux 7.2, legacy, 24 GiB guest, carve at 4 GiB; off: the onlined blocks'"'"' memory map (struct pages) comes from the RAM already online, the kernel'"'"'s default; on: memory_hotplug.memmap_on_memory=1 on the kernel command line and pmemreclaim.memmap_on_memory=auto, the map is carved from the onlined blocks; MemTotal and MemFree when the test init starts):",
 "",
 "| memmap_on_memory | carve | onlined | job (kernel) | kmem bind (kernel) | onlining (kernel) | MemTotal | MemFree |",
 "|---|---|---|---|---|---|---|---|",
 (.rows[] | select(.group == "memmap") |
  def ph(name): .pmemreclaim.timing_cold | if . == null then "?" else ((capture(name + " (?<w>[0-9]+) ms \\(kernel (?<k>[0-9]+) ms") | "\(.w) ms (\(.k) ms)") // "?") end;
  "| \(.id | split("-")[1]) | \(.carve_bytes | mib) | \(.pmemreclaim.onlined_bytes | mib) | \(.pmemreclaim.cold_job_ms | n) ms (\(.pmemreclaim.cold_job_kernel_ms | n) ms) | \(ph("kmem")) | \(ph("onlining")) | \(.pmemreclaim.cold_memtotal_kb | n) kB | \(.pmemreclaim.cold_memfree_kb | n) kB |")
 end),
"",
"Size: pmemreclaim x86_64 \(.sizes.x86_64_binary_bytes) B stripped static (\(.sizes.x86_64_binary_gzip_bytes) B gzip -9), aarch64 \(.sizes.aarch64_binary_bytes | n) B; the overlay initramfs (binary + nvdimm/dax modules) \(.sizes.overlay_initramfs_bytes) B. The tools for comparison: ndctl + daxctl with their non-libc shared libraries \(.sizes.ndctl_daxctl_with_libs_bytes) B (\(.sizes.ndctl_daxctl_with_libs_gzip_bytes) B gzip -9)."
' "$1"
