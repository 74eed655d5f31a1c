#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault matrix, the image's modprobe.d: Debian's ndctl package installs
# /etc/modprobe.d/nvdimm-security.conf, an install command for libnvdimm that runs ndctl, and
# initramfs-tools copies modprobe.d into images without ndctl. libkmod runs install commands: one that
# can't run made every module load fail ("cannot load kernel module nd_e820"), and nothing was reclaimed.
# Here the test image gets an install command for libnvdimm that fails (its tool is not in the image);
# pmemreclaim=legacy must still load the modules (without the command, and say so) and reclaim 1920 MiB.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
conf=$TB_WORK/nvdimm-security.conf
echo 'install libnvdimm /usr/bin/ndctl-not-in-this-image load-keys && /sbin/modprobe --ignore-install libnvdimm $CMDLINE_OPTS' > "$conf"
tb_build_initrd --extra "$conf:/etc/modprobe.d/nvdimm-security.conf"
tb_ramfile_create "$TB_RAMDIR/ram"
tb_boot "$TB_WORK/boot.log" "memmap=2G!4G pmemreclaim=legacy" || tb_die "no boot"
log=$TB_WORK/boot.log
tb_section "$log" dmesg | grep 'pmemreclaim:' | sed 's/^/    /' || true
tb_assert_eq "/init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
tb_assert_eq "kmem bytes" $((1920 * MiB)) "$(tb_kmem_bytes "$log")"
tb_assert_true "libnvdimm is loaded" eval "tb_report '$log' modules | grep -q libnvdimm"
tb_assert_true "a line says the install command failed and the module was loaded without it" \
  tr_dmesg_has "$log" "modprobe.d install commands failed"
tb_finish
