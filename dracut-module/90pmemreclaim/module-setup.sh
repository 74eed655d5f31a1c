#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut module: pmemreclaim (reclaims RAM carved as pmem with memmap=, before udev probes nvdimm/dax).
#
# Included when asked for: the package's /usr/lib/dracut/dracut.conf.d/50-pmemreclaim.conf asks
# (add_dracutmodules+=" pmemreclaim "), as do `dracut --add pmemreclaim` and /etc/dracut.conf.d/ (omit_dracutmodules
# there leaves it out). check() returns 255: never on its own, never a failure.
#
# It never fails image generation: a failing module stops dracut, and with it the installation of a
# kernel. On any problem (no binary, one that does not run here, e.g. another architecture's, a copy that
# fails) it warns and leaves pmemreclaim out of this image: the boot then does not reclaim, and
# `pmemreclaim status` on the running system says the image lacks it.
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
# shellcheck disable=SC2154  # moddir, systemdsystemunitdir: set by dracut, which sources this file

# Sets _pmemreclaim_path to the binary to put into the image and _pmemreclaim_mods to its kernel
# modules, when it runs here and lists them; otherwise one warning (once per dracut run) and status 1.
_pmemreclaim_bin() {
    local _bin=${PMEMRECLAIM_BINARY:-}
    [[ -n $_bin ]] || _bin=$(find_binary pmemreclaim)
    local _why=
    if [[ -z $_bin || ! -x $_bin ]]; then
        _why="${_bin:-pmemreclaim} is not an executable file"
    elif ! _pmemreclaim_mods=$("$_bin" modules 2>/dev/null); then
        _why="'$_bin modules' failed (a binary for another architecture?)"
    elif [[ -z $_pmemreclaim_mods ]]; then
        _why="'$_bin modules' listed no kernel module"
    fi
    if [[ -n $_why ]]; then
        [[ -n ${_pmemreclaim_warned:-} ]] || dwarn "pmemreclaim: $_why; pmemreclaim left out of this image (it will not reclaim at boot)"
        _pmemreclaim_warned=1
        return 1
    fi
    _pmemreclaim_path=$_bin
}

# called by dracut
check() {
    # only when asked for (add_dracutmodules, --add pmemreclaim); a problem is dealt with in install()
    return 255
}

# called by dracut
depends() {
    return 0
}

# called by dracut: the modules pmemreclaim loads through libkmod (and their dependencies), whatever
# the host has loaded (hostonly=''); those this kernel lacks or has built in are skipped (instmods -o).
# The list is the binary's own (`pmemreclaim modules`). Never fails (see the top).
installkernel() {
    _pmemreclaim_bin || return 0
    # shellcheck disable=SC2086
    hostonly='' instmods $_pmemreclaim_mods
    return 0
}

# called by dracut. Never fails (see the top): anything it can't install leaves pmemreclaim out.
install() {
    _pmemreclaim_bin || return 0
    local _bin=$_pmemreclaim_path
    # static: inst_simple copies the file alone (no library resolution)
    if ! inst_simple "$_bin" /usr/sbin/pmemreclaim; then
        dwarn "pmemreclaim: cannot install $_bin; pmemreclaim left out of this image (it will not reclaim at boot)"
        rm -f "${initdir:?}/usr/sbin/pmemreclaim"
        return 0
    fi
    # the /dev/pmemreclaim/keep links, kept by udev in the initramfs too
    inst_simple "$moddir/60-pmemreclaim.rules" "${udevrulesdir:-/usr/lib/udev/rules.d}/60-pmemreclaim.rules" ||
        dwarn "pmemreclaim: cannot install its udev rule (no /dev/pmemreclaim links in the initramfs)"
    if dracut_module_included "systemd"; then
        inst_simple "$moddir/pmemreclaim.service" "$systemdsystemunitdir/pmemreclaim.service" &&
            $SYSTEMCTL -q --root "$initdir" enable pmemreclaim.service ||
            dwarn "pmemreclaim: cannot install pmemreclaim.service; it will not run at boot"
    else
        inst_hook cmdline 00 "$moddir/pmemreclaim-hook.sh"
    fi
    return 0
}
