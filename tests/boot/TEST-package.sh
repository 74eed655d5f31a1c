#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package installs on a clean Debian 12 as a user installs it: `cpack` in the static build tree
# makes pmemreclaim_VERSION_amd64.deb; in a throwaway view of a minimal Debian 12 root (qemu/debian-root.sh)
# `apt install ./pmemreclaim_*.deb` (Recommends included: dracut or initramfs-tools comes along). Asserted in
# that root: the package is installed, the binary runs (--version, modules), the dracut module, the udev
# rule, the initramfs-tools hook and script and the man page are where dracut, udev, initramfs-tools and man
# look, and dracut lists the module.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tr_bin=${PMEMRECLAIM_BINARY:-}
[ -n "$tr_bin" ] && [ -x "$tr_bin" ] || { echo "[TEST-package] skipped: no static pmemreclaim (PMEMRECLAIM_BINARY)"; exit 77; }
TB_WORK=${TB_WORK:-$(mktemp -d /tmp/tb-package.XXXXXX)}
mkdir -p "$TB_WORK"
tree=$(dirname "$(readlink -f "$tr_bin")")
[ -f "$tree/CPackConfig.cmake" ] || tb_die "$tree is not a CMake build tree with CPack (the binary's directory)"
rm -f "$tree"/pmemreclaim_*.deb
( cd "$tree" && cpack -G DEB > "$TB_WORK/cpack.log" 2>&1 ) || { cat "$TB_WORK/cpack.log"; tb_die "cpack failed"; }
deb=$(ls "$tree"/pmemreclaim_*_amd64.deb)
tb_log "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"
cp "$deb" "$TB_WORK/"
version=$("$tr_bin" --version | awk '{print $2}')
out=$TB_WORK/install.log
"$TB_ROOT/qemu/debian-root.sh" run --bind "$TB_WORK:/work:ro" -- /bin/sh -c '
  set -e
  apt-get update -qq
  cd /work && apt-get install -y -q ./pmemreclaim_*.deb > /tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }
  echo "@@status $(dpkg-query -W -f "\${Status}" pmemreclaim)"
  echo "@@version $(/usr/sbin/pmemreclaim --version)"
  echo "@@modules $(/usr/sbin/pmemreclaim modules | tr "\n" " ")"
  for f in /usr/lib/dracut/modules.d/90pmemreclaim/module-setup.sh /usr/lib/udev/rules.d/60-pmemreclaim.rules \
           /usr/share/initramfs-tools/hooks/pmemreclaim /usr/share/initramfs-tools/scripts/init-top/pmemreclaim \
           /usr/share/man/man8/pmemreclaim.8; do
    [ -f "$f" ] && echo "@@file $f"
  done
  echo "@@recommends $(dpkg-query -W -f "\${db:Status-Abbrev}\n" dracut initramfs-tools 2>/dev/null | tr "\n" " ")"
  if command -v dracut >/dev/null; then echo "@@dracut_lists $(dracut --no-kernel --list-modules 2>/dev/null | grep -cx pmemreclaim)"; fi
' > "$out" 2>&1 || { tail -30 "$out" | sed 's/^/    /'; tb_die "apt install ./pmemreclaim_*.deb failed in the Debian 12 root"; }
grep '^@@' "$out" | sed 's/^/    /'
tb_assert_eq "dpkg: installed" "install ok installed" "$(tb_report "$out" status)"
tb_assert_eq "the installed binary runs" "pmemreclaim $version" "$(tb_report "$out" version)"
tb_assert_true "the installed binary lists its modules" grep -q '^@@modules nd_e820 ' "$out"
for f in /usr/lib/dracut/modules.d/90pmemreclaim/module-setup.sh /usr/lib/udev/rules.d/60-pmemreclaim.rules \
         /usr/share/initramfs-tools/hooks/pmemreclaim /usr/share/initramfs-tools/scripts/init-top/pmemreclaim \
         /usr/share/man/man8/pmemreclaim.8; do
  tb_assert_true "installed: $f" grep -qx "@@file $f" "$out"
done
if grep -q '^@@dracut_lists' "$out"; then
  tb_assert_eq "dracut lists the pmemreclaim module" 1 "$(tb_report "$out" dracut_lists)"
fi
tb_finish
