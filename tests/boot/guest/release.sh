# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=release (first boot of a kexec chain only): after pmemreclaim onlined the carve, fill 1.5 GiB
# of memory (tmpfs: movable pages, many in the onlined blocks), run `pmemreclaim release` as a command
# (as a shutdown or kexec script would) while the fill is still there - offlining migrates those pages -
# then free the fill and write 64 MiB of new data at the start of the released dax device.
# Sourced by the test init.
# shellcheck shell=dash
if [ -z "$(opt cycle)" ]; then
  mkdir -p /fill && mount -t tmpfs -o size=100% fill /fill
  dd if=/dev/zero of=/fill/zero bs=1M count=1536 2>/dev/null
  say "release_filled_mb $(du -m /fill/zero | cut -f1)"
  /sbin/pmemreclaim release > /tmp/release.log 2>&1
  say "release_rc $?"
  sed 's/^/@@release_log /' /tmp/release.log
  say "release_kmem_lines $(grep -c 'System RAM (kmem)' /proc/iomem)"
  say "release_memtotal_kb $(memtotal)"
  rm -f /fill/zero; umount /fill
  dev=$(cd /dev && ls -d dax* 2>/dev/null | head -1)
  if [ -n "$dev" ] && /test/daxwrite /dev/$dev /test/pattern; then say "release_wrote /dev/$dev"; fi
fi
