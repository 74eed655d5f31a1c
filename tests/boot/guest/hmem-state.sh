# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=hmem-state (sourced by the test init, after test.modprobe): the dax devices (name, resource,
# size, driver), the bytes of System RAM (kmem), the auto-online policy and dax_hmem's parameters, as
# @@hmem_dev/@@hmem_kmem_bytes/@@hmem_policy/@@hmem_params lines tagged "before".
#   test.hmem_apply=ARGS   then run `/sbin/pmemreclaim apply ARGS` (commas for blanks, e.g.
#                          --strategy=hmem,--keep=256M) and report again, tagged "after"; its output as
#                          @@hmem_apply_log lines and its status as @@hmem_apply_rc
#   test.hmem_release=1    then run `/sbin/pmemreclaim release` (before kexec): @@hmem_release_rc,
#                          @@hmem_release_log lines, and the report again, tagged "released"
#   test.hmem_fill=MIB     then fill free memory (tmpfs, movable: the highest zone first) up to MIB MiB,
#                          leaving 256 MiB, so that onlined pages are written before the RAM file is checked
# shellcheck shell=dash
hmem_report() {  # hmem_report TAG
  for d in /sys/bus/dax/devices/*; do
    [ -e "$d/size" ] || continue
    drv=-; [ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
    say "hmem_dev $1 $(basename "$d") $(cat "$d/resource" 2>/dev/null || echo -) $(cat "$d/size") $drv"
  done
  t=0
  for r in $(sed -n 's/^ *\([0-9a-f]*-[0-9a-f]*\) : System RAM (kmem)$/\1/p' /proc/iomem); do
    t=$((t + 0x${r#*-} - 0x${r%-*} + 1))
  done
  say "hmem_kmem_bytes $1 $t"
  say "hmem_policy $1 $(cat /sys/devices/system/memory/auto_online_blocks)"
}
p=
for f in /sys/module/dax_hmem/parameters/*; do [ -e "$f" ] && p="$p$(basename "$f")=$(cat "$f"),"; done
say "hmem_params ${p:-none}"
hmem_report before
if a=$(opt hmem_apply); then
  # shellcheck disable=SC2046  # the options, comma-separated on the command line, split on purpose
  /sbin/pmemreclaim apply $(echo "$a" | tr ',' ' ') > /tmp/hmem-apply.log 2>&1
  say "hmem_apply_rc $?"
  sed 's/^/@@hmem_apply_log /' /tmp/hmem-apply.log
  hmem_report after
fi
if [ "$(opt hmem_release)" = 1 ]; then
  /sbin/pmemreclaim release > /tmp/hmem-release.log 2>&1
  say "hmem_release_rc $?"
  sed 's/^/@@hmem_release_log /' /tmp/hmem-release.log
  hmem_report released
fi
if f=$(opt hmem_fill); then
  mkdir -p /fill && mount -t tmpfs -o size=100% fill /fill
  mb=$(awk -v cap="$f" '/^MemAvailable:/ {m = int($2 / 1024) - 256; print (m > cap ? cap : m)}' /proc/meminfo)
  dd if=/dev/zero of=/fill/zero bs=1M count="$mb" 2>/dev/null
  say "hmem_filled_mb $(du -m /fill/zero | cut -f1)"
  rm -f /fill/zero; umount /fill
fi
