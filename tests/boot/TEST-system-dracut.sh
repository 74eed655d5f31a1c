#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A whole installed Debian 12 system with dracut instead of initramfs-tools (tests/boot/system.sh): Debian's
# dracut package as it configures an installed system (Debian 12: generic images, gzip), systemd as PID 1 on
# the real root, udev, Debian's kernel and ndctl. The user's one step, in a view of the root:
#   apt install ./pmemreclaim_N_amd64.deb   (the trigger runs dracut for the kernel; the package's
#                                            dracut.conf.d file includes the module)
# One boot on a guest RAM file, the carve of the e2e tests with the host's pattern in the kept 126 MiB,
# pmemreclaim=legacy pmemreclaim.keep=126M: 1920 MiB onlined, the kept bytes through /dev/pmemreclaim/keep,
# the record (preserved=false: a first boot), `pmemreclaim status --json` showing it, systemd at
# multi-user.target with no failed unit. (The reuse boot, preserved=true, is TEST-system-initramfs-tools'
# upgrade boot: the layout is the binary's, whichever generator put it into the image.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
. "$(dirname "$0")/e2e.sh"
. "$(dirname "$0")/system.sh"
system_setup
version=$SYSTEM_VERSION

# a binary that can't run on this machine (the arm64 one), for the module's never-fail check
arm_bin=${PMEMRECLAIM_ARM64_BINARY:-$TB_ROOT/build/aarch64-linux-musl/pmemreclaim}
[ -x "$arm_bin" ] || tb_die "no static aarch64 pmemreclaim ($arm_bin): tests/build.sh builds it"
cp "$arm_bin" "$TB_WORK/share/pmemreclaim-arm64"

system_images dracut "
apt-get install -y -q /work/pmemreclaim_${version}_amd64.deb
save d
# the module with a binary it can't run: dracut still makes the image (exit 0), without pmemreclaim
rc=0; PMEMRECLAIM_BINARY=/work/pmemreclaim-arm64 dracut -q -f -m 'base pmemreclaim' /tmp/foreign.img \$(ls /lib/modules) || rc=\$?
echo @@dracut_foreign rc=\$rc binary=\$(lsinitrd /tmp/foreign.img | grep -c ' usr/sbin/pmemreclaim\$')
"
tb_assert_eq "dracut with a binary that can't run here: exit 0, pmemreclaim left out" "rc=0 binary=0" \
  "$(tb_report "$TB_WORK/images.log" dracut_foreign)"
tb_assert_eq "apt install: the package" "$version" "$(system_image_report d installed)"
tb_assert_eq "apt install: the trigger ran dracut, which put pmemreclaim into the image" 1 \
  "$(system_image_report d initrd_pmemreclaim)"

ram=$TB_RAMDIR/ram
tb_ramfile_create "$ram"
want=$(tb_write_pattern "$ram" $((4 * GiB)) $E2E_SEED $E2E_KEPT)
append="$E2E_MEMMAP pmemreclaim=legacy pmemreclaim.keep=126M test.kept=/dev/pmemreclaim/keep:$TB_GUEST_HASH"
# shellcheck disable=SC2043  # one boot here, the loop of TEST-system-initramfs-tools kept
for boot in d:false; do
  name=${boot%%:*} preserved=${boot#*:}
  log=$TB_WORK/$name.log
  if system_boot "$log" d "$append" "$ram"; then
    system_assert_reclaim "$log" "boot $name" "$preserved" "$version" "$ram" "$want"
    echo "[$TB_NAME] RESULT $name: kmem=$(tb_kmem_bytes "$log") preserved=$(tb_report "$log" state_json | jq -c '.carves[0].preserved') wall=${TB_WALL}s"
  else
    tb_fail "boot $name did not reach the report"
  fi
done
tb_finish
