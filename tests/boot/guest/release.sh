# test.run=release: after pmemreclaim onlined the carve, run `pmemreclaim release` as a command (as a
# shutdown or kexec script would), then write 64 MiB of new data at the start of the released dax
# device, where kmem had memory a moment ago. Sourced by the test init.
/sbin/pmemreclaim release 2>&1 | sed 's/^/@@release_log /'
say "release_rc $?"
say "release_kmem_lines $(grep -c 'System RAM (kmem)' /proc/iomem)"
say "release_memtotal_kb $(memtotal)"
dev=$(cd /dev && ls -d dax* 2>/dev/null | head -1)
if [ -n "$dev" ]; then
  dd if=/test/pattern of=/dev/$dev bs=2M 2>/dev/null && say "release_wrote /dev/$dev"
fi
