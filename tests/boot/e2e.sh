# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the end-to-end scenarios (TEST-e2e-*.sh). Source after lib.sh.
#
# A real root filesystem: a 64 MiB ext4 image made without root privileges (mke2fs -d) on virtio-blk,
# whose /sbin/init is tests/boot/test-init.sh on static busybox (the same @@ report as the test image, so
# lib.sh's parsers work; /test/e2e-root.sh adds @@root_marker and @@rootfs). The initramfs in front of it
# is a Debian dracut image (initrd/dracut.sh) or a Debian initramfs-tools image (initrd/mkinitramfs.sh), with
# pmemreclaim's dracut module or initramfs-tools hook, or with the overlay (initrd/build.sh --overlay)
# concatenated in front.
#
# Each scenario boots twice on the carve of TEST-legacy-keep with a 126 MiB pattern at 4 GiB:
#   pmemreclaim=legacy pmemreclaim.keep=126M  -> real init reached, kmem 1920 MiB, kept bytes intact,
#                                                the handoff record under the real root's /run
#   pmemreclaim=bogus                         -> real init reached, kmem 0, kept bytes intact, a record
#                                                saying "bad options"
# shellcheck shell=bash disable=SC2154  # GiB, MiB and TB_*: lib.sh, which every TEST file sources first

E2E_MEMMAP='memmap=126M!4G memmap=1922M!0x107E00000'
E2E_KEPT=$((126 * MiB))
E2E_SEED=126
E2E_MARKER=pmemreclaim-e2e-root
# dracut: no emergency shell on failure (power off: the boot ends at once and the test fails). The test init
# on the real root loads nd_e820 and nd_pmem, as udev's coldplug on an installed system would, for the
# /dev/pmem0 it hashes when the initramfs loaded neither (pmemreclaim=bogus in front of a host-only image
# without the nvdimm modules)
E2E_APPEND="root=/dev/vda rootfstype=ext4 ro rd.shell=0 rd.emergency=poweroff test.run=e2e-root test.modprobe=nd_e820,nd_pmem"
TB_TIMEOUT=${TB_TIMEOUT:-240}

# e2e_rootfs OUT: the root filesystem image
e2e_rootfs() {
  local out=$1 d=$TB_WORK/rootfs a bb
  bb=$(command -v busybox) || tb_die "busybox not found (qemu/host-deps.sh installs busybox-static)"
  rm -rf "$d"; mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,mnt,test,etc,root}
  cp "$bb" "$d/bin/busybox"
  for a in $("$bb" --list-full); do
    [ -e "$d/$a" ] || [ -L "$d/$a" ] || ln -s /bin/busybox "$d/$a"
  done
  rm -f "$d/sbin/init"
  install -m 0755 "$TB_ROOT/tests/boot/test-init.sh" "$d/sbin/init"
  echo "$E2E_MARKER" > "$d/etc/e2e-root"
  # systemd's switch-root refuses a root without os-release ("does not seem to be an OS tree")
  printf 'NAME="pmemreclaim e2e root"\nID=pmemreclaim-e2e\n' > "$d/etc/os-release"
  cat > "$d/test/e2e-root.sh" <<'EOF'
# sourced by test-init.sh (test.run=e2e-root) on the real root
say "root_marker $(cat /etc/e2e-root 2>/dev/null)"
say "rootfs $(awk '$2 == "/" { d = $1; t = $3 } END { print d, t }' /proc/mounts)"
EOF
  # the nvdimm/dax modules in the root's /lib/modules/<kver>/ (as a distribution root has them): the test
  # init loads nd_pmem (test.modprobe) for /dev/pmem0 when the initramfs did not (an image without the
  # module, pmemreclaim=bogus)
  "$TB_ROOT/initrd/build.sh" --overlay --module-dir lib/modules --kernel "$TB_KDIR" \
      --binary "$PMEMRECLAIM_BINARY" --out "$TB_WORK/rootfs-modules.cpio.gz" 2>/dev/null
  ( cd "$d" && zcat "$TB_WORK/rootfs-modules.cpio.gz" | cpio -id --quiet 'lib/modules/*' )
  rm -f "$TB_WORK/rootfs-modules.cpio.gz"
  rm -f "$out"
  mke2fs -q -F -t ext4 -L e2e-root -E root_owner=0:0 -d "$d" "$out" 64M
  rm -rf "$d"
}

# e2e_dracut OUT FLOW [BINARY]: initrd/dracut.sh image (FLOW shell|systemd; with BINARY: the pmemreclaim
# module), reused while the kernel, dracut.sh, the module and the binary are unchanged
e2e_dracut() {
  local out=$1 flow=$2 bin=${3:-} key
  key=$( { cat "$TB_KDIR/kver" "$TB_ROOT/initrd/dracut.sh"; echo "$flow hostonly zstd-1"
           [ -z "$bin" ] || cat "$bin" "$TB_ROOT"/dracut-module/90pmemreclaim/*; } | sha256sum | cut -d' ' -f1)
  if [ -s "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
    tb_log "dracut image $out (cached)"; return 0
  fi
  local t0=$SECONDS
  # Host-only (dracut --hostonly, as Debian's dracut configures an installed system; the drivers of this host,
  # which boots from virtio-blk as the guest does, plus virtio_blk and ext4 named by initrd/dracut.sh): 21 s
  # and 18 MB instead of 90 s and 99 MB for the generic image. zstd -1 (initramfs-tools' images are zstd), not
  # the gzip -9 dracut picks here: 0.8 s instead of 30 s per 99 MB, and the guest kernel unpacks it seconds
  # sooner (gzip's inflate is slow under TCG)
  "$TB_ROOT/initrd/dracut.sh" --kernel "$TB_KDIR" --out "$out" --flow "$flow" ${bin:+--pmemreclaim "$bin"} \
      -- --hostonly --compress "zstd -1 -q -T0" > "$out.log" 2>&1 || { tail -n 30 "$out.log" | sed "s/^/[$TB_NAME] dracut| /"; tb_die "initrd/dracut.sh failed"; }
  echo "$key" > "$out.key"
  tb_log "dracut image $out ($flow${bin:+, pmemreclaim module}): $(stat -c %s "$out") bytes, $((SECONDS - t0)) s"
}

# e2e_mkinitramfs OUT [initrd/mkinitramfs.sh options...]: a Debian initramfs-tools image (Debian's mkinitramfs
# in a cached Debian root, qemu/debian-root.sh), unpacked into OUT.tree for looking at it; reused while the
# kernel, the scripts, the hook, the init-top script, the binary and the options are unchanged
e2e_mkinitramfs() {
  local out=$1 key a; shift
  key=$( { cat "$TB_KDIR/kver" "$TB_ROOT/initrd/mkinitramfs.sh" "$TB_ROOT/qemu/debian-root.sh"; echo "$*"
           for a in "$@"; do [ -f "$a" ] && cat "$a"; done
           cat "$TB_ROOT"/initrd/initramfs-tools/hooks/* "$TB_ROOT"/initrd/initramfs-tools/scripts/init-top/*
           cat "$TB_ROOT/dracut-module/90pmemreclaim/60-pmemreclaim.rules"; } | sha256sum | cut -d' ' -f1)
  if [ -s "$out" ] && [ -d "$out.tree" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
    tb_log "mkinitramfs image $out (cached)"; return 0
  fi
  local t0=$SECONDS
  "$TB_ROOT/initrd/mkinitramfs.sh" --kernel "$TB_KDIR" --out "$out" --tree "$out.tree" "$@" > "$out.log" 2>&1 \
    || { tail -n 30 "$out.log" | sed "s/^/[$TB_NAME] mkinitramfs| /"; tb_die "initrd/mkinitramfs.sh failed"; }
  echo "$key" > "$out.key"
  tb_log "mkinitramfs image $out ($*): $(stat -c %s "$out") bytes, $((SECONDS - t0)) s"
}

# e2e_boot LOG APPEND RAMFILE [vm.sh options...]: boots TB_INITRD with the root image (E2E_DISK, default
# TB_WORK/root.img, read through a QEMU snapshot so it never changes); sets TB_WALL, TB_RC
e2e_boot() {
  local log=$1 append=$2 ram=$3; shift 3
  [ -e "$ram" ] || tb_ramfile_create "$ram"
  rm -f "$log" "$log.meta"
  TB_RC=0
  "$TB_ROOT/qemu/vm.sh" --kernel "$TB_KDIR" --initrd "$TB_INITRD" --ram-file "$ram" --log "$log" \
      --timeout "$TB_TIMEOUT" --mem "$TB_MEM" --smp "${TB_SMP:-$(tb_default_smp)}" "$@" --append "$append ${TB_APPEND:-}" \
      -- -drive "file=${E2E_DISK:-$TB_WORK/root.img},if=virtio,format=raw,snapshot=on" 2>/dev/null || TB_RC=$?
  TB_WALL=$(sed -n 's/.*wall_seconds=\([0-9.]*\).*/\1/p' "$log.meta" | tail -1)
  tb_log "boot '$append': rc=$TB_RC wall=${TB_WALL}s log=$log"
  if [ "$TB_RC" -ne 0 ] || ! grep -q '^@@done' "$log"; then
    tb_log "boot did not reach the end of the report; last lines:"
    < "$log" tail -n 40 | sed 's/^/    /'
    return 1
  fi
}

# e2e_assert_real_root LOG: the report comes from the root filesystem's /sbin/init, PID 1, on ext4
e2e_assert_real_root() {
  local log=$1
  tb_assert_eq "root marker (the real root's init ran)" "$E2E_MARKER" "$(tb_report "$log" root_marker)"
  tb_assert_eq "root filesystem type (ext4 mounted by the initramfs)" ext4 "$(tb_report "$log" rootfs 2)"
  tb_assert_eq "init pid" "pid=1" "$(tb_report "$log" init_start 2)"
}

# e2e_assert_record LOG KMEM: the handoff record pmemreclaim left in the initramfs, as the real root's init
# finds it under /run: version 1, the kept 126 MiB at 4 GiB made this boot, onlined = the kernel's kmem bytes
e2e_assert_record() {
  local log=$1 kmem=$2 state
  state=$(tb_report "$log" state_json)
  echo "    /run/pmemreclaim/state.json on the real root: $state"
  tb_assert_eq "handoff record on the real root: version" 1 "$(jq -r .version <<<"$state")"
  tb_assert_eq "handoff record: kept range" "$((4 * GiB)) $E2E_KEPT" \
    "$(jq -r '"\(.carves[0].kept.start) \(.carves[0].kept.size)"' <<<"$state")"
  tb_assert_eq "handoff record: onlined = the kernel's kmem bytes" "$kmem" "$(jq '[.carves[].onlined] | add' <<<"$state")"
  tb_assert_eq "handoff record: preserved (a fresh RAM file: made this boot)" false \
    "$(jq -r '.carves[0].preserved' <<<"$state")"
}

# e2e_scenario NAME [vm.sh options...]: the two boots described above, on TB_INITRD
e2e_scenario() {
  local name=$1; shift
  local ram=$TB_RAMDIR/ram log want after
  local kept_opt="test.kept=/dev/pmem0:$TB_GUEST_HASH"
  command -v jq >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }

  # 1. pmemreclaim=legacy, 126 MiB kept
  tb_ramfile_create "$ram"
  want=$(tb_write_pattern "$ram" $((4 * GiB)) $E2E_SEED $E2E_KEPT)
  want_guest=$(tb_pattern_sha256 $E2E_SEED $TB_GUEST_HASH)
  log=$TB_WORK/legacy.log
  if e2e_boot "$log" "$E2E_MEMMAP pmemreclaim=legacy pmemreclaim.keep=126M $kept_opt $E2E_APPEND" "$ram" "$@"; then
    e2e_assert_real_root "$log"
    tb_assert_eq "carve bytes" $((2 * GiB)) "$(tb_carve_bytes "$log")"
    tb_assert_eq "kmem bytes" $((1920 * MiB)) "$(tb_kmem_bytes "$log")"
    tb_assert_eq "kept bytes in the guest (/dev/pmem0, first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$log" sha256 2)"
    tb_assert_true "pmemreclaim summary line in the kernel log" \
      grep -q 'pmemreclaim: carve .*onlined 1920 MiB' <(tb_section "$log" dmesg)
    after=$(tb_read_sha256 "$ram" $((4 * GiB)) $E2E_KEPT)
    tb_assert_eq "kept bytes in the RAM file after poweroff" "$want" "$after"
    e2e_assert_record "$log" "$(tb_kmem_bytes "$log")"
    echo "[$TB_NAME] RESULT $name legacy: kmem=$(tb_kmem_bytes "$log") memtotal=$(tb_memtotal_bytes "$log")" \
         "memtotal_at_init=$(( $(tb_report "$log" memtotal_kb_at_init) * 1024 ))" \
         "rootfs='$(tb_report "$log" rootfs)' wall=${TB_WALL}s"
    tb_section "$log" dmesg | grep 'pmemreclaim' | sed 's/^/    /' || true
  else
    tb_fail "$name: boot with pmemreclaim=legacy did not reach the real init's report"
  fi

  # 2. a bad value: one error line, nothing changed, the boot goes on
  tb_ramfile_create "$ram"
  want=$(tb_write_pattern "$ram" $((4 * GiB)) $E2E_SEED $E2E_KEPT)
  want_guest=$(tb_pattern_sha256 $E2E_SEED $TB_GUEST_HASH)
  log=$TB_WORK/bogus.log
  if e2e_boot "$log" "$E2E_MEMMAP pmemreclaim=bogus $kept_opt $E2E_APPEND" "$ram" "$@"; then
    e2e_assert_real_root "$log"
    tb_assert_eq "carve bytes (pmemreclaim=bogus)" $((2 * GiB)) "$(tb_carve_bytes "$log")"
    tb_assert_eq "kmem bytes (pmemreclaim=bogus)" 0 "$(tb_kmem_bytes "$log")"
    tb_assert_eq "kept bytes in the guest (pmemreclaim=bogus, first $TB_GUEST_HASH)" "$want_guest" "$(tb_report "$log" sha256 2)"
    tb_assert_true "pmemreclaim error line in the kernel log" \
      grep -qi 'pmemreclaim.*bogus' <(tb_section "$log" dmesg)
    after=$(tb_read_sha256 "$ram" $((4 * GiB)) $E2E_KEPT)
    tb_assert_eq "kept bytes in the RAM file after poweroff (pmemreclaim=bogus)" "$want" "$after"
    local state; state=$(tb_report "$log" state_json)
    tb_assert_eq "handoff record on the real root (pmemreclaim=bogus): ok" false "$(jq -r .ok <<<"$state")"
    tb_assert_eq "handoff record (pmemreclaim=bogus): error" "bad options" "$(jq -r .error <<<"$state")"
    echo "[$TB_NAME] RESULT $name bogus: kmem=$(tb_kmem_bytes "$log") memtotal=$(tb_memtotal_bytes "$log") wall=${TB_WALL}s"
    tb_section "$log" dmesg | grep 'pmemreclaim' | sed 's/^/    /' || true
  else
    tb_fail "$name: boot with pmemreclaim=bogus did not reach the real init's report"
  fi
}
