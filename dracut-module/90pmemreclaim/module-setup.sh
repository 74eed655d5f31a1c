#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut module: pmemreclaim (reclaims RAM carved as pmem with memmap=, before udev probes nvdimm/dax).
#
# Opt-in: check() returns 255, so the module is only included when asked for
#   dracut --add pmemreclaim ...            or   add_dracutmodules+=" pmemreclaim " in /etc/dracut.conf.d/
#
# The binary is /usr/sbin/pmemreclaim on the host (static, no libraries); PMEMRECLAIM_BINARY=PATH in the
# environment of dracut takes another file (build trees, tests). In the image it is /usr/sbin/pmemreclaim.
#
# When it runs:
#   shell dracut (no systemd in the image): cmdline hook 00, the first hook /init runs: /proc, /sys, /dev
#     and /run are mounted, nothing has loaded a module yet (rd.driver.pre= is loaded by the kernel-modules
#     module's cmdline hook 01, systemd-udevd starts after the pre-udev hooks), and pmemreclaim only reads
#     the kernel command line. Same thing before udev as pre-udev 00, one step earlier.
#   systemd dracut: pmemreclaim.service (DefaultDependencies=no, Before=systemd-udevd.service,
#     systemd-udev-trigger.service and sysinit.target, ConditionKernelCommandLine=pmemreclaim); the hook is
#     not installed there (dracut-cmdline.service would run it a second time, after udevd has started).
# Both run `pmemreclaim boot`: no pmemreclaim= option -> nothing; logs to /dev/kmsg; bounded by
# pmemreclaim.timeout; always exits 0.

# called by dracut
check() {
    if [[ -n ${PMEMRECLAIM_BINARY:-} ]]; then
        [[ -x $PMEMRECLAIM_BINARY ]] || {
            derror "pmemreclaim: PMEMRECLAIM_BINARY=$PMEMRECLAIM_BINARY is not an executable file"
            return 1
        }
    else
        require_binaries pmemreclaim || return 1
    fi
    # only when asked for (--add pmemreclaim / add_dracutmodules)
    return 255
}

# called by dracut
depends() {
    return 0
}

# called by dracut: the modules pmemreclaim loads through libkmod (and their dependencies), whatever
# the host has loaded (hostonly=''); those this kernel lacks or has built in are skipped (instmods -o).
# The list is the binary's own (`pmemreclaim modules`).
installkernel() {
    local _bin=${PMEMRECLAIM_BINARY:-}
    [[ -n $_bin ]] || _bin=$(find_binary pmemreclaim)
    local _mods
    _mods=$("$_bin" modules) && [[ -n $_mods ]] || {
        dfatal "pmemreclaim: '$_bin modules' did not list the kernel modules"
        return 1
    }
    # shellcheck disable=SC2086
    hostonly='' instmods $_mods
}

# called by dracut
install() {
    local _bin=${PMEMRECLAIM_BINARY:-}
    [[ -n $_bin ]] || _bin=$(find_binary pmemreclaim)
    # static: inst_simple copies the file alone (no library resolution)
    inst_simple "$_bin" /usr/sbin/pmemreclaim || {
        dfatal "pmemreclaim: cannot install $_bin"
        return 1
    }
    # the /dev/pmemreclaim/keep links, kept by udev in the initramfs too
    inst_simple "$moddir/60-pmemreclaim.rules" "${udevrulesdir:-/usr/lib/udev/rules.d}/60-pmemreclaim.rules"
    if dracut_module_included "systemd"; then
        inst_simple "$moddir/pmemreclaim.service" "$systemdsystemunitdir/pmemreclaim.service"
        $SYSTEMCTL -q --root "$initdir" enable pmemreclaim.service
    else
        inst_hook cmdline 00 "$moddir/pmemreclaim-hook.sh"
    fi
}
