# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=half-built (sourced by the test init): leaves pmemreclaim's ramdax layout half-built, as a worker
# stopped between its two namespaces would: `pmemreclaim release` gives the onlined memory back, then the
# devdax namespace (pmemreclaim-dax) is destroyed; the kept namespace (pmemreclaim-keep) and the label area
# stay. Reports the namespaces left (@@half_built_ns).
# shellcheck shell=dash
kmem=0
for r in $(sed -n 's/^ *\([0-9a-f]*-[0-9a-f]*\) : System RAM (kmem)$/\1/p' /proc/iomem); do
  kmem=$((kmem + 0x${r#*-} - 0x${r%-*} + 1))
done
say "half_built_kmem_before $kmem"
/sbin/pmemreclaim release > /tmp/release.log 2>&1
say "half_built_release_rc $?"
for d in /sys/bus/nd/devices/namespace*; do
  [ "$(cat "$d/alt_name" 2>/dev/null)" = pmemreclaim-dax ] || continue
  ndctl destroy-namespace -f "$(basename "$d")" 2>&1 | sed 's/^/@@half_built_ndctl /'
done
for d in /sys/bus/nd/devices/namespace*; do
  [ -e "$d/size" ] && [ "$(cat "$d/size")" != 0 ] || continue
  say "half_built_ns $(basename "$d") name=$(cat "$d/alt_name" 2>/dev/null) uuid=$(cat "$d/uuid" 2>/dev/null)"
done
say "half_built_kmem_lines $(grep -c 'System RAM (kmem)' /proc/iomem)"
