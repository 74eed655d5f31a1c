# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the whole-system tests (TEST-system-*.sh). Source after lib.sh and e2e.sh (its carve, kept
# range and pattern).
#
# A whole installed Debian 12 system: a cached debootstrapped root (qemu/debian-root.sh, made before the tests
# by tests/prebuild.sh) with systemd as init, udev, Debian's kernel (linux-image-amd64), ndctl, jq and one
# initramfs generator: initramfs-tools, or dracut as Debian's package configures it (generic images, gzip),
# installed with apt in place of initramfs-tools.
# It is set up as an installer leaves a machine (/etc/fstab for the root on virtio-blk, a hostname), plus the
# test's report: pmemreclaim-test-report.service runs tests/boot/test-init.sh's report (test.run=system adds
# tests/boot/guest/system.sh) once multi-user.target is reached and udev has settled, then powers off.
# In one throwaway view of that root the test does what a user does (apt install ./pmemreclaim_*.deb, an
# upgrade, apt remove) and nothing else: the package's trigger rebuilds the initramfs. After each step the
# view is saved as an image: /boot's kernel and initramfs, and the root as an ext4 disk (mke2fs -d), booted
# in QEMU with the initramfs' own /init and systemd as PID 1 (the disk read through a snapshot).
# shellcheck shell=bash disable=SC2154  # GiB, MiB and TB_*: lib.sh, which every TEST file sources first

SYSTEM_APPEND="root=/dev/vda rw test.run=system"

# The root: Debian 12 with initramfs-tools (Debian's default generator), and dracut's packages downloaded
# but not installed: the dracut flow switches the system to dracut with apt, as a user would (apt replaces
# initramfs-tools, and dracut's trigger makes the kernel's image). tests/prebuild.sh makes it.
SYSTEM_ROOT=(--with "systemd-sysv udev initramfs-tools linux-image-amd64 ndctl jq" --fetch dracut)

# system_setup: what both tests start with; SYSTEM_VERSION is this tree's version, its package is in
# $TB_WORK/share (where the view finds it as /work)
system_setup() {
  tr_require_binary
  tb_setup
  command -v jq >/dev/null || tb_die "no jq (qemu/host-deps.sh installs it)"
  # shellcheck disable=SC2034  # for the TEST-system-* files
  SYSTEM_VERSION=$("$PMEMRECLAIM_BINARY" --version | awk '{print $2}')
  mkdir -p "$TB_WORK/share"
  rm -f "$TB_WORK"/share/*.deb
  cp "$(system_package "$(dirname "$(readlink -f "$PMEMRECLAIM_BINARY")")")" "$TB_WORK/share/"
}

# system_package TREE: the .deb of CMake build tree TREE, made by cpack in a directory of this test's
# (cpack in the tree itself would race another test's); prints its path
system_package() {
  local tree=$1 stage
  stage=$TB_WORK/cpack-$(basename "$1")
  [ -f "$tree/CPackConfig.cmake" ] || tb_die "$tree is not a CMake build tree with CPack"
  rm -rf "$stage"; mkdir -p "$stage"
  ( cd "$stage" && cpack -G DEB --config "$tree/CPackConfig.cmake" -B "$stage" > "$stage.log" 2>&1 ) \
    || { cat "$stage.log" >&2; tb_die "cpack failed ($tree)"; }
  ls "$stage"/pmemreclaim_*.deb
}

# system_images FLOW STEPS: in one view of FLOW's root, the set-up above, then STEPS (shell lines: the user's
# commands, with `save NAME` wherever an image is to be kept; the .debs are under /work). Each saved image is
# $TB_WORK/NAME/{vmlinuz,initrd.img,root.img}; the view's output (@@image lines) goes to $TB_WORK/images.log.
system_images() {
  local flow=$1 steps=$2 share=$TB_WORK/share t0=$SECONDS
  mkdir -p "$share"
  install -m 0755 "$TB_ROOT/tests/boot/test-init.sh" "$share/test-init.sh"
  cp "$TB_ROOT/tests/boot/guest/system.sh" "$TB_ROOT/tests/boot/guest/pmemreclaim-test-report.service" "$share/"
  cat > "$share/steps.sh" <<EOF
set -e
# the machine as an installer leaves it, and the test's report unit
echo '/dev/vda / ext4 errors=remount-ro 0 1' > /etc/fstab
echo pmemreclaim-system > /etc/hostname
install -m 0755 /work/test-init.sh /usr/local/sbin/pmemreclaim-test-report
mkdir -p /test && cp /work/system.sh /test/system.sh
cp /work/pmemreclaim-test-report.service /etc/systemd/system/
systemctl enable pmemreclaim-test-report.service 2>/dev/null
# no login prompt on the serial console: it is where the report goes, and getty's "login:" landed in the
# middle of a report line (the report's lines are parsed from the start of a line)
systemctl mask serial-getty@ttyS0.service 2>/dev/null
# the dracut flow: Debian's dracut in place of initramfs-tools (its packages are in the root's apt cache).
# Installing dracut makes an image at once (its trigger), before pmemreclaim is installed: that image is never
# booted or looked at (the next step's trigger makes the one under test), so it is made with dracut's base
# module only, in seconds instead of a generic image's 100 s; the setting is gone before the next step.
if [ "$flow" = dracut ]; then
  mkdir -p /etc/dracut.conf.d && echo 'dracutmodules=" base "' > /etc/dracut.conf.d/zz-first-image.conf
  apt-get install -y -q --no-download dracut
  rm /etc/dracut.conf.d/zz-first-image.conf
fi
# the root as a file system of its own (a bind mount of / without /proc, /sys, /dev, /work)
mkdir -p /mnt/self && mount --bind / /mnt/self
in_initrd() {  # does the initramfs carry pmemreclaim?
  if command -v lsinitramfs > /dev/null; then lsinitramfs /boot/initrd.img-* | grep -c '^usr/sbin/pmemreclaim\$' || true
  else lsinitrd /boot/initrd.img-* | grep -c ' usr/sbin/pmemreclaim\$' || true; fi
}
save() {
  mkdir -p /out/\$1
  cp /boot/vmlinuz-* /out/\$1/vmlinuz && cp /boot/initrd.img-* /out/\$1/initrd.img
  echo "@@image \$1 installed=\$(dpkg-query -W -f '\${Version}' pmemreclaim 2>/dev/null || echo none) initrd_pmemreclaim=\$(in_initrd) initrd_bytes=\$(stat -c %s /boot/initrd.img-*)"
  rm -f /out/\$1/root.img
  mke2fs -q -F -t ext4 -L system-root -d /mnt/self /out/\$1/root.img 2G
}
$steps
EOF
  "$TB_ROOT/qemu/debian-root.sh" run "${SYSTEM_ROOT[@]}" --bind "$share:/work:ro" --bind "$TB_WORK:/out" \
    -- /bin/sh /work/steps.sh > "$TB_WORK/images.log" 2>&1 \
    || { tail -n 40 "$TB_WORK/images.log" | sed "s/^/[$TB_NAME] images| /"; tb_die "the $flow system's steps failed"; }
  grep '^@@image' "$TB_WORK/images.log" | sed "s/^/[$TB_NAME] /"
  tb_log "$flow system images in $((SECONDS - t0)) s"
}

# system_boot LOG IMAGE APPEND RAMFILE: boots image IMAGE (system_images) on RAMFILE with its own /init and
# one vCPU (e2e_boot); sets TB_WALL, TB_RC
system_boot() {
  local img=$TB_WORK/$2
  TB_KDIR=$img/vmlinuz TB_INITRD=$img/initrd.img E2E_DISK=$img/root.img TB_SMP=1 \
    e2e_boot "$1" "$3 $SYSTEM_APPEND" "$4" --no-rdinit
}

# system_failed_units LOG: the units that failed in that boot, but for Debian's ndctl-monitor.service when its
# own log says why: `ndctl monitor` exits when the machine has no NVDIMM DIMMs to watch, and a RAM carve has
# none. It fails so with or without pmemreclaim (TEST-system-initramfs-tools' boot after `apt remove`).
system_failed_units() {
  local failed; failed=$(tb_report "$1" system_failed)
  # (grep -q on a process substitution: in a pipe under pipefail, its early exit would fail the writer)
  if grep -qi '^@@unit_log ndctl-monitor.service .*no dimms to monitor' "$1"; then
    failed=${failed/ndctl-monitor.service,/}
  fi
  echo "$failed"
}

# system_assert_systemd LOG WHAT: systemd was PID 1, reached multi-user.target, nothing failed
system_assert_systemd() {
  local log=$1 what=$2
  tb_assert_eq "$what: PID 1" systemd "$(tb_report "$log" pid1)"
  tb_assert_eq "$what: multi-user.target" active "$(tb_report "$log" system_target)"
  tb_assert_eq "$what: failed units (ndctl-monitor without DIMMs aside)" "" "$(system_failed_units "$log")"
}

# system_assert_reclaim LOG WHAT PRESERVED VERSION RAMFILE WANT_RAM: a boot with pmemreclaim installed
# (VERSION): 1920 MiB onlined, the kept bytes read through /dev/pmemreclaim/keep = the host's pattern, the
# record (preserved PRESERVED, VERSION's binary ran, onlined = the kernel's kmem bytes), `pmemreclaim status
# --json` showing that record and the same kmem bytes, the kept bytes in the RAM file after poweroff
system_assert_reclaim() {
  local log=$1 what=$2 preserved=$3 version=$4 ram=$5 want_ram=$6 state status kmem
  system_assert_systemd "$log" "$what"
  tb_assert_eq "$what: the package" "install ok installed $version" "$(tb_report "$log" installed)"
  kmem=$(tb_kmem_bytes "$log")
  tb_assert_eq "$what: kmem bytes" $((1920 * MiB)) "$kmem"
  tb_assert_eq "$what: kept bytes read through /dev/pmemreclaim/keep (first $TB_GUEST_HASH)" \
    "$(tb_pattern_sha256 $E2E_SEED $TB_GUEST_HASH)" "$(tb_report "$log" sha256 2)"
  tb_assert_true "$what: /dev/pmemreclaim/keep after udev's coldplug" \
    grep -q '^keep->' <(tb_report "$log" keep_links)
  state=$(tb_report "$log" state_json)
  echo "    $what: /run/pmemreclaim/state.json: $state"
  tb_assert_eq "$what: record: preserved" "$preserved" "$(jq -r '.carves[0].preserved' <<<"$state")"
  tb_assert_eq "$what: record: the binary that ran" "$version" "$(jq -r .pmemreclaim_version <<<"$state")"
  tb_assert_eq "$what: record: onlined = the kernel's kmem bytes" "$kmem" "$(jq '[.carves[].onlined] | add' <<<"$state")"
  tb_assert_eq "$what: record: kept range" "$((4 * GiB)) $E2E_KEPT" \
    "$(jq -r '"\(.carves[0].kept.start) \(.carves[0].kept.size)"' <<<"$state")"
  status=$(tb_report "$log" status_json)
  tb_assert_eq "$what: status --json: the record" "$(jq -cS . <<<"$state")" "$(jq -cS .record <<<"$status")"
  tb_assert_eq "$what: status --json: kmem online in the carve regions" "$kmem" \
    "$(jq '[.regions[].kmem_online] | add' <<<"$status")"
  tb_assert_eq "$what: status --json: the image has pmemreclaim" false "$(jq -r .image_lacks_pmemreclaim <<<"$status")"
  tb_assert_eq "$what: kept bytes in the RAM file after poweroff" "$want_ram" \
    "$(tb_read_sha256 "$ram" $((4 * GiB)) $E2E_KEPT)"
}

# system_promtool: the path of Debian's promtool (package prometheus), taken out of the package into the cache
# once; installing the package would install and start a Prometheus server on the host
system_promtool() {
  local dir=$TB_ROOT/.cache/tools/prometheus
  mkdir -p "$dir"
  (
    flock 9
    if [ ! -x "$dir/usr/bin/promtool" ]; then
      cd "$dir" && rm -f prometheus_*.deb && apt-get download -q prometheus >&2 \
        && dpkg-deb --fsys-tarfile prometheus_*.deb | tar -x ./usr/bin/promtool && rm -f prometheus_*.deb
    fi
  ) 9> "$dir.lock" || return 1
  echo "$dir/usr/bin/promtool"
}

# system_assert_metrics LOG WHAT: pmemreclaim-textfile.service ran in that boot, `promtool check metrics`
# passes on what it wrote, and the numbers equal the handoff record's and `status --json`'s
system_assert_metrics() {
  local log=$1 what=$2 prom out state status promtool rc=0
  out=$TB_WORK/$(basename "$log" .log).prom
  tb_assert_eq "$what: pmemreclaim-textfile.service" active "$(tb_report "$log" textfile_unit)"
  prom=$(tb_report "$log" prometheus | base64 -d 2>/dev/null) || true
  printf '%s\n' "$prom" > "$out"
  promtool=$(system_promtool) || tb_die "could not get promtool (apt-get download prometheus)"
  "$promtool" check metrics < "$out" > "$out.check" 2>&1 || rc=$?
  tb_assert_eq "$what: promtool check metrics on the textfile (problems: $(tr '\n' ' ' < "$out.check"))" 0 "$rc"
  metric() { awk -v m="$1" '{ split($1, a, "{") } a[1] == m { print $2 }' "$out"; }
  state=$(tb_report "$log" state_json)
  status=$(tb_report "$log" status_json)
  tb_assert_eq "$what: metrics: a record" 1 "$(metric pmemreclaim_record)"
  tb_assert_eq "$what: metrics: ok" "$(jq 'if .ok then 1 else 0 end' <<<"$state")" "$(metric pmemreclaim_ok)"
  tb_assert_eq "$what: metrics: onlined bytes = the record's" "$(jq '.carves[0].onlined' <<<"$state")" \
    "$(metric pmemreclaim_carve_onlined_bytes)"
  tb_assert_eq "$what: metrics: lost bytes = the record's" "$(jq '.carves[0].lost' <<<"$state")" \
    "$(metric pmemreclaim_carve_lost_bytes)"
  tb_assert_eq "$what: metrics: kept bytes = the record's" "$(jq '.carves[0].kept.size' <<<"$state")" \
    "$(metric pmemreclaim_carve_kept_bytes)"
  tb_assert_eq "$what: metrics: preserved = the record's" "$(jq 'if .carves[0].preserved then 1 else 0 end' <<<"$state")" \
    "$(metric pmemreclaim_carve_preserved)"
  tb_assert_eq "$what: metrics: one region_info per region of the record" "$(jq '.carves[0].regions | length' <<<"$state")" \
    "$(metric pmemreclaim_region_info | wc -l)"
  tb_assert_eq "$what: metrics: kmem online now = status --json's" "$(jq '[.regions[].kmem_online] | add' <<<"$status")" \
    "$(metric pmemreclaim_region_kmem_online_bytes | awk '{ s += $1 } END { print s + 0 }')"
}

# system_image_report IMAGE FIELD: a field of the @@image line of IMAGE (installed, initrd_pmemreclaim, ...)
system_image_report() {
  tb_report "$TB_WORK/images.log" "image $1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
