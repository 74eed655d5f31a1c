#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut cmdline hook 00 (sourced by the shell /init before any other hook, long before udev):
# reclaim RAM carved as pmem as the kernel command line asks (pmemreclaim=...). Does nothing without a
# pmemreclaim= option, logs to /dev/kmsg, is bounded by pmemreclaim.timeout and always exits 0.
[ -x /usr/sbin/pmemreclaim ] && /usr/sbin/pmemreclaim boot || :
