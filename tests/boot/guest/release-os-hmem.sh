# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=release-os-hmem: soft-reserved memory the OS onlines itself (as Linux >= 6.3 does with
# EFI_MEMORY_SP or CXL memory: dax_hmem hands it to kmem), beside a memmap= carve pmemreclaim reclaims on the
# running system (`pmemreclaim apply --strategy=legacy`, which leaves the record), then
# `pmemreclaim release`: it must give back the carve's memory and leave the OS's online.
# Sourced by the test init (no pmemreclaim= at boot).
# shellcheck shell=dash
kmem_bytes() {
  local t=0 r s e
  while read -r r _; do s=${r%-*}; e=${r#*-}; t=$((t + 0x$e - 0x$s + 1)); done <<EOF2
$(grep 'System RAM (kmem)' /proc/iomem | sed 's/^ *//')
EOF2
  echo $t
}
modprobe dax_hmem 2>/dev/null; modprobe kmem 2>/dev/null
i=0; while [ "$(kmem_bytes)" = 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
say "os_hmem_kmem_os $(kmem_bytes)"
/sbin/pmemreclaim apply --strategy=legacy > /tmp/apply.log 2>&1
say "os_hmem_apply_rc $?"
say "os_hmem_kmem_applied $(kmem_bytes)"
/sbin/pmemreclaim release > /tmp/release.log 2>&1
say "os_hmem_release_rc $?"
sed 's/^/@@os_hmem_release_log /' /tmp/release.log
say "os_hmem_kmem_released $(kmem_bytes)"
