#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian packages: `cpack` in the static build trees makes pmemreclaim_VERSION_amd64.deb and _arm64.deb.
# Asserted on the host: lintian reports no error and no warning for either (the one override, the static
# binary, carries its reason in the package), both carry Built-Using (the Debian sources the binary links
# statically) and the update-initramfs trigger. Then, in a throwaway view of a minimal Debian 12 root
# (qemu/debian-root.sh), as a user installs it: `apt install ./pmemreclaim_*_amd64.deb` (Recommends included:
# initramfs-tools comes along, Debian's default), and asserted there: the package is installed, the binary
# runs (--version, modules), the dracut module and its configuration, the udev rule, the initramfs-tools hook
# and script, the compressed man page, copyright and changelog are where dracut, udev, initramfs-tools, man
# and Debian look; dpkg ran initramfs-tools' trigger; the initramfs-tools hook run as mkinitramfs runs it with
# a binary that can't run here (the arm64 one) exits 0 and leaves pmemreclaim out of the image, and with the
# package's binary puts it in; `apt remove` takes every file away.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tr_bin=${PMEMRECLAIM_BINARY:-}
[ -n "$tr_bin" ] && [ -x "$tr_bin" ] || { echo "[TEST-package] skipped: no static pmemreclaim (PMEMRECLAIM_BINARY)"; exit 77; }
arm_bin=${PMEMRECLAIM_ARM64_BINARY:-$TB_ROOT/build/aarch64-linux-musl/pmemreclaim}
[ -x "$arm_bin" ] || tb_die "no static aarch64 pmemreclaim ($arm_bin): tests/build.sh builds it"
TB_WORK=${TB_WORK:-$(mktemp -d /tmp/tb-package.XXXXXX)}
mkdir -p "$TB_WORK"
command -v lintian > /dev/null || tb_die "no lintian (qemu/host-deps.sh installs it)"

# One package per static tree (the binary's directory is its CMake build tree).
package() {  # TREE ARCH -> the .deb's path
  local tree=$1 arch=$2
  [ -f "$tree/CPackConfig.cmake" ] || tb_die "$tree is not a CMake build tree with CPack"
  rm -f "$tree"/pmemreclaim_*.deb
  ( cd "$tree" && cpack -G DEB > "$TB_WORK/cpack-$arch.log" 2>&1 ) || { cat "$TB_WORK/cpack-$arch.log"; tb_die "cpack failed ($arch)"; }
  ls "$tree"/pmemreclaim_*_"$arch".deb
}
deb=$(package "$(dirname "$(readlink -f "$tr_bin")")" amd64)
arm_deb=$(package "$(dirname "$(readlink -f "$arm_bin")")" arm64)
for d in "$deb" "$arm_deb"; do
  name=$(basename "$d")
  tb_log "package: $name ($(stat -c %s "$d") bytes)"
  rc=0
  lintian --fail-on error,warning --tag-display-limit 0 "$d" > "$TB_WORK/lintian-$name.log" 2>&1 || rc=$?
  sed 's/^/    lintian: /' "$TB_WORK/lintian-$name.log"
  tb_assert_eq "lintian $name: exit status (fails on an error or a warning)" 0 "$rc"
  tb_assert_eq "lintian $name: errors and warnings" 0 "$(grep -cE '^[EW]: ' "$TB_WORK/lintian-$name.log" || true)"
  for src in kmod ndctl util-linux; do
    tb_assert_true "$name: Built-Using names $src" grep -qE "(^|, )$src \(= " <(dpkg-deb -f "$d" Built-Using)
  done
  tb_assert_eq "$name: triggers" "activate-noawait update-initramfs" \
    "$(dpkg-deb --ctrl-tarfile "$d" | tar -xO ./triggers | grep -v '^#')"
done
tb_assert_eq "the arm64 package's architecture" arm64 "$(dpkg-deb -f "$arm_deb" Architecture)"
cp "$deb" "$arm_bin" "$TB_WORK/"
version=$("$tr_bin" --version | awk '{print $2}')
out=$TB_WORK/install.log
files="/usr/sbin/pmemreclaim /usr/lib/dracut/modules.d/90pmemreclaim/module-setup.sh
/usr/lib/dracut/dracut.conf.d/50-pmemreclaim.conf /usr/lib/udev/rules.d/60-pmemreclaim.rules
/usr/share/initramfs-tools/hooks/pmemreclaim /usr/share/initramfs-tools/scripts/init-top/pmemreclaim
/usr/share/man/man8/pmemreclaim.8.gz /usr/share/doc/pmemreclaim/copyright /usr/share/doc/pmemreclaim/changelog.gz"
"$TB_ROOT/qemu/debian-root.sh" run --bind "$TB_WORK:/work:ro" -- /bin/sh -c '
  set -e
  apt-get update -qq
  cd /work && apt-get install -y -q ./pmemreclaim_*_amd64.deb > /tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }
  echo "@@status $(dpkg-query -W -f "\${Status}" pmemreclaim)"
  echo "@@version $(/usr/sbin/pmemreclaim --version)"
  echo "@@modules $(/usr/sbin/pmemreclaim modules | tr "\n" " ")"
  for f in '"$(echo $files)"'; do [ -f "$f" ] && echo "@@file $f"; done
  echo "@@initramfs_tools $(dpkg-query -W -f "\${Status}" initramfs-tools 2>/dev/null || echo none)"
  echo "@@dracut $(dpkg-query -W -f "\${Status}" dracut 2>/dev/null || echo none)"
  # dpkg ran the trigger initramfs-tools is interested in (no kernel in this root: it had nothing to build)
  echo "@@triggered $(grep -c "^Processing triggers for initramfs-tools" /tmp/apt.log)"
  # the hook as mkinitramfs runs it (hook-functions needs DESTDIR, version, verbose)
  hook() {
    d=$(mktemp -d); rc=0
    DESTDIR=$d version=$(uname -r) verbose=n PMEMRECLAIM_BINARY=$1 \
      sh /usr/share/initramfs-tools/hooks/pmemreclaim 2> /tmp/hook.err || rc=$?
    echo "@@hook_$2 rc=$rc binary=$([ -e "$d/usr/sbin/pmemreclaim" ] && echo in || echo out)"
    sed "s/^/@@hook_$2_stderr /" /tmp/hook.err
  }
  hook /work/pmemreclaim foreign
  hook /usr/sbin/pmemreclaim own
  apt-get remove -y -q pmemreclaim > /tmp/remove.log 2>&1
  echo "@@removed_status $(dpkg-query -W -f "\${Status}" pmemreclaim 2>/dev/null || echo none)"
  for f in '"$(echo $files)"'; do [ -e "$f" ] && echo "@@left $f"; done
  echo "@@remove_triggered $(grep -c "^Processing triggers for initramfs-tools" /tmp/remove.log)"
' > "$out" 2>&1 || { tail -30 "$out" | sed 's/^/    /'; tb_die "apt install ./pmemreclaim_*.deb failed in the Debian 12 root"; }
grep '^@@' "$out" | sed 's/^/    /'
tb_assert_eq "dpkg: installed" "install ok installed" "$(tb_report "$out" status)"
tb_assert_eq "the installed binary runs" "pmemreclaim $version" "$(tb_report "$out" version)"
tb_assert_true "the installed binary lists its modules" grep -q '^@@modules nd_e820 ' "$out"
for f in $files; do
  tb_assert_true "installed: $f" grep -qx "@@file $f" "$out"
done
tb_assert_eq "Recommends: initramfs-tools came along" "install ok installed" "$(tb_report "$out" initramfs_tools)"
tb_assert_true "Recommends: dracut did not" test "$(tb_report "$out" dracut)" != "install ok installed"
tb_assert_eq "install: initramfs-tools' trigger ran" 1 "$(tb_report "$out" triggered)"
tb_assert_eq "the hook with a binary that can't run here: exit 0, pmemreclaim left out" "rc=0 binary=out" \
  "$(tb_report "$out" hook_foreign)"
tb_assert_eq "the hook with the package's binary: in the image" "rc=0 binary=in" "$(tb_report "$out" hook_own)"
tb_assert_true "apt remove: not installed any more" test "$(tb_report "$out" removed_status)" != "install ok installed"
tb_assert_eq "remove: no file left" 0 "$(grep -c '^@@left ' "$out" || true)"
tb_assert_eq "remove: initramfs-tools' trigger ran" 1 "$(tb_report "$out" remove_triggered)"
tb_finish
