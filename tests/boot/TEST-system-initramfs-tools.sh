#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A whole installed Debian 12 system with initramfs-tools (tests/boot/system.sh): systemd as PID 1 on the real
# root, udev, Debian's kernel and ndctl. The user's steps, in one view of the root, nothing else done by hand:
#   apt install ./pmemreclaim_N_amd64.deb            -> image n        (the trigger rebuilt the initramfs)
#   apt install ./pmemreclaim_N+1_amd64.deb          -> image next     (an upgrade: N+1 is this tree built
#                                                                       again with a bumped version)
#   apt remove pmemreclaim                           -> image removed  (the trigger rebuilt it without)
# Three boots on one guest RAM file, the carve of the e2e tests (memmap=126M!4G memmap=1922M!0x107E00000) with
# the host's pattern in the kept 126 MiB, pmemreclaim=legacy pmemreclaim.keep=126M on every command line:
#   n, fresh RAM       1920 MiB onlined, the kept bytes through /dev/pmemreclaim/keep, record preserved=false
#   next               preserved=true (the layout of the first boot reused, by the upgraded binary), the
#                      record names N+1's version: the upgrade reached the boot
#   removed            nothing onlined, no record, the carve still pmem, the kept bytes intact
# In each boot with the package: systemd reached multi-user.target with no failed unit, `pmemreclaim status
# --json` shows the record and the kernel's kmem bytes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/e2e.sh"
. "$(dirname "$0")/system.sh"
system_setup
version=$SYSTEM_VERSION
next=$version+next1
t0=$SECONDS
# beside the static tree (build/x86_64-linux-musl-next): the same depth and tests/build.sh's ccache settings,
# so that only the file with the version is compiled again (the log ends with ccache's count)
nt=$TB_ROOT/build/x86_64-linux-musl-next
ROOT=$TB_ROOT; . "$TB_ROOT/tests/ccache.sh"
{ ccache -z && cmake -S "$TB_ROOT" -B "$nt" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$TB_ROOT/deps/zig-toolchain.cmake" \
    -DPMEMRECLAIM_TARGET=x86_64-linux-musl -DPMEMRECLAIM_STATIC=ON -DPMEMRECLAIM_UNIT_TESTS=OFF \
    -DPMEMRECLAIM_VERSION="$next" "${CCACHE_LAUNCHER[@]}" \
  && CCACHE_COMPILERCHECK=$ZIG_CCACHE_CHECK ninja -C "$nt" && ccache -s | grep -E '^ *(Hits|Misses):'; } \
  > "$TB_WORK/build-next.log" 2>&1 || { tail -n 30 "$TB_WORK/build-next.log"; tb_die "building version $next failed"; }
cp "$(system_package "$nt")" "$TB_WORK/share/"
tb_log "version $next built and packaged in $((SECONDS - t0)) s"
tb_assert_eq "the next build's binary" "pmemreclaim $next" "$("$nt/pmemreclaim" --version)"

# ---- the user's steps ----
system_images initramfs-tools "
apt-get install -y -q /work/pmemreclaim_${version}_amd64.deb
# a fleet's machine: node_exporter's textfile directory (its package makes it) and the package's unit enabled
mkdir -p /var/lib/prometheus/node-exporter
systemctl enable pmemreclaim-textfile.service
save n
apt-get install -y -q /work/pmemreclaim_${next}_amd64.deb
save next
apt-get remove -y -q pmemreclaim
save removed
"
tb_assert_eq "apt install: the package" "$version" "$(system_image_report n installed)"
tb_assert_eq "apt install: the trigger put pmemreclaim into the initramfs" 1 "$(system_image_report n initrd_pmemreclaim)"
tb_assert_eq "upgrade: the package" "$next" "$(system_image_report next installed)"
tb_assert_eq "upgrade: the initramfs has pmemreclaim" 1 "$(system_image_report next initrd_pmemreclaim)"
tb_assert_eq "apt remove: the package" none "$(system_image_report removed installed)"
tb_assert_eq "apt remove: the trigger took pmemreclaim out of the initramfs" 0 "$(system_image_report removed initrd_pmemreclaim)"
tb_assert_true "upgrade: the initramfs was rebuilt (another image than n's)" \
  test "$(sha256sum < "$TB_WORK/n/initrd.img")" != "$(sha256sum < "$TB_WORK/next/initrd.img")"

# ---- the boots ----
ram=$TB_RAMDIR/ram
tb_ramfile_create "$ram"
want=$(tb_write_pattern "$ram" $((4 * GiB)) $E2E_SEED $E2E_KEPT)
append="$E2E_MEMMAP pmemreclaim=legacy pmemreclaim.keep=126M test.kept=/dev/pmemreclaim/keep:$TB_GUEST_HASH"
for boot in n:false next:true; do
  name=${boot%%:*} preserved=${boot#*:} img=$name
  log=$TB_WORK/$name.log
  if system_boot "$log" "$img" "$append" "$ram"; then
    v=$version; [ "$img" = next ] && v=$next
    system_assert_reclaim "$log" "boot $name" "$preserved" "$v" "$ram" "$want"
    system_assert_metrics "$log" "boot $name"
    echo "[$TB_NAME] RESULT $name: kmem=$(tb_kmem_bytes "$log") preserved=$(tb_report "$log" state_json | jq -c '.carves[0].preserved') version=$(tb_report "$log" state_json | jq -r .pmemreclaim_version) wall=${TB_WALL}s"
  else
    tb_fail "boot $name did not reach the report"
  fi
done
# removed: the same command line, no pmemreclaim any more
log=$TB_WORK/removed.log
if system_boot "$log" removed "${append%% test.kept=*} test.kept=/dev/pmem0:$TB_GUEST_HASH" "$ram"; then
  system_assert_systemd "$log" "boot removed"
  tb_assert_eq "boot removed: the package" none "$(tb_report "$log" installed)"
  tb_assert_eq "boot removed: the units that fail without pmemreclaim are those that failed with it" \
    "$(tb_report "$TB_WORK/n.log" system_failed)" "$(tb_report "$log" system_failed)"
  tb_assert_eq "boot removed: kmem bytes" 0 "$(tb_kmem_bytes "$log")"
  tb_assert_eq "boot removed: the carve is still pmem" $((2 * GiB)) "$(tb_carve_bytes "$log")"
  tb_assert_eq "boot removed: no handoff record" "" "$(tb_report "$log" state_json)"
  tb_assert_eq "boot removed: kept bytes through /dev/pmem0 (first $TB_GUEST_HASH)" \
    "$(tb_pattern_sha256 $E2E_SEED $TB_GUEST_HASH)" "$(tb_report "$log" sha256 2)"
  tb_assert_eq "boot removed: kept bytes in the RAM file after poweroff" "$want" \
    "$(tb_read_sha256 "$ram" $((4 * GiB)) $E2E_KEPT)"
  echo "[$TB_NAME] RESULT removed: kmem=$(tb_kmem_bytes "$log") carve=$(tb_carve_bytes "$log") wall=${TB_WALL}s"
else
  tb_fail "boot removed did not reach the report"
fi
tb_finish
