#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault matrix, PID 1's own duties around the job (Linux 7.2, one boot each):
# a. every line logged: six adjacent 256 MiB carves (six regions, one carve in the summary) give
#    pmemreclaim 11 lines (strategy, 6 regions, summary, MemTotal, timing, handoff), more than the 10
#    per 5 s that /dev/kmsg lets one open file write (printk.devkmsg=ratelimit); every one of them must
#    be in the kernel log and the kernel must not report "suppressed due to ratelimiting";
# b. no exec loop: pmemreclaim.init naming the binary itself: the boot must still reach /init as PID 1,
#    with the carve reclaimed and a line saying why that init was skipped ("is pmemreclaim itself");
# c. the auto-online policy put back: Debian 7.2 defaults to auto_online_blocks=online; the worker holds
#    it at offline while it onlines. guest/policy-hang.sh makes the onlining hang there (a FIFO over a
#    block's state file), so pmemreclaim.timeout=1 kills the worker while it holds the policy: /init
#    must still see "online", and pmemreclaim must say it put it back;
# d. a bad pmemreclaim.* key without pmemreclaim=: one error line (README: a bad value or an unknown key
#    is a kernel-log error), the carve untouched, /init reached.
set -euo pipefail
export TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-amd64}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
tr_require_binary
tb_setup
tb_build_initrd
dmesg_count() { tb_section "$1" dmesg | grep -cE -- "$2" || true; }
# said LOG TEXT: a pmemreclaim line (not the kernel command line) contains TEXT
said() { tb_section "$1" dmesg | grep -F 'pmemreclaim: ' | grep -qF -- "$2"; }

# a. six adjacent carves (nokaslr: physical KASLR avoids only the first 4 memmap= ranges, and a kernel
# placed in the 5th or 6th split that carve: seen once in CI, 1486 MiB of carve instead of 1536)
log=$TB_WORK/lines.log
carves='memmap=256M!0x100000000 memmap=256M!0x110000000 memmap=256M!0x120000000 memmap=256M!0x130000000 memmap=256M!0x140000000 memmap=256M!0x150000000'
tb_ramfile_create "$TB_RAMDIR/ram"
if tb_boot "$log" "$carves nokaslr pmemreclaim=legacy"; then
  tb_section "$log" dmesg | grep -E 'pmemreclaim:|suppressed' | sed 's/^/    /' || true
  tb_assert_eq "lines: carve bytes" $((1536 * MiB)) "$(tb_carve_bytes "$log")"
  tb_assert_eq "lines: kmem bytes (one block of each carve)" $((6 * 128 * MiB)) "$(tb_kmem_bytes "$log")"
  tb_assert_true "lines: the strategy line" said "$log" "strategy legacy"
  tb_assert_eq "lines: a line for each region" 6 "$(dmesg_count "$log" 'pmemreclaim: region[0-5] .*: created devdax')"
  tb_assert_eq "lines: the summary line (adjacent carves: one)" 1 "$(dmesg_count "$log" 'pmemreclaim: carve \[0x100000000-0x15fffffff\]')"
  tb_assert_true "lines: the MemTotal line" tr_dmesg_has "$log" "pmemreclaim: MemTotal"
  tb_assert_true "lines: the timing line" tr_dmesg_has "$log" "pmemreclaim: timing: job"
  tb_assert_true "lines: the handoff line ('handing off to /init')" tr_dmesg_has "$log" "pmemreclaim: handing off to /init"
  tb_assert_true "lines: no 'suppressed due to ratelimiting'" tr_dmesg_lacks "$log" "suppressed due to ratelimiting"
else
  tb_fail "lines: did not reach /init"
fi

# b. pmemreclaim.init=/sbin/pmemreclaim (the binary itself). Broken, it execs itself for ever: a short
# bound for this boot (a good one takes 20-40 s under TCG).
log=$TB_WORK/self-init.log
tb_ramfile_create "$TB_RAMDIR/ram"
if TB_TIMEOUT=${TB_LOOP_TIMEOUT:-90} tb_boot "$log" "memmap=2G!4G pmemreclaim=legacy pmemreclaim.init=/sbin/pmemreclaim"; then
  tb_section "$log" dmesg | grep -E 'pmemreclaim:' | sed 's/^/    /' || true
  tb_assert_eq "self as init: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
  tb_assert_eq "self as init: the carve reclaimed" $((1920 * MiB)) "$(tb_kmem_bytes "$log")"
  tb_assert_true "self as init: says 'is pmemreclaim itself'" tr_dmesg_has "$log" "is pmemreclaim itself"
  tb_assert_true "self as init: handed off to /init" tr_dmesg_has "$log" "pmemreclaim: handing off to /init"
else
  tb_fail "self as init: did not reach /init (rc=$TB_RC;" \
    "$(< "$log" grep -c 'handing off to /sbin/pmemreclaim') 'handing off to /sbin/pmemreclaim' on the console)"
fi

# c. the policy put back after the worker was killed holding it
log=$TB_WORK/policy.log
tb_ramfile_create "$TB_RAMDIR/ram"
if tb_boot "$log" "memmap=2G!4G pmemreclaim=legacy pmemreclaim.timeout=1 rdinit=/test/policy-hang.sh pmemreclaim.init=/test/policy-hang.sh"; then
  < "$log" grep -E '^@@(policy_hang|auto_online_blocks|error)' | sed 's/^/    /' || true
  tb_section "$log" dmesg | grep -E 'pmemreclaim:' | sed 's/^/    /' || true
  tb_assert_true "policy: the hang was armed with the policy at online" \
    grep -q '^@@policy_hang armed .* auto_online_blocks=online' "$log"
  tb_assert_eq "policy: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
  tb_assert_true "policy: timed out" tr_dmesg_has "$log" "timed out after 1 s"
  tb_assert_eq "policy: auto_online_blocks at /init start" online "$(tb_report "$log" auto_online_blocks)"
  tb_assert_true "policy: a pmemreclaim line says auto_online_blocks was put back" \
    eval "tb_section '$log' dmesg | grep 'pmemreclaim:' | grep 'auto_online_blocks' | grep -q 'put back'"
else
  tb_fail "policy: did not reach /init"
fi

# d. bad keys and no pmemreclaim=
log=$TB_WORK/bad-key.log
tb_ramfile_create "$TB_RAMDIR/ram"
want=$(tb_write_pattern "$TB_RAMDIR/ram" $((4 * GiB)) 12 $MiB)
if tb_boot "$log" "memmap=2G!4G pmemreclaim.keep=lots pmemreclaim.kep=1G test.modprobe=nd_e820,nd_pmem test.kept=/dev/pmem0:$MiB"; then
  tb_section "$log" dmesg | grep -E 'pmemreclaim:' | sed 's/^/    /' || true
  tb_assert_eq "bad key: /init runs as PID 1" pid=1 "$(tb_report "$log" init_start 2)"
  tb_assert_eq "bad key: kmem bytes" 0 "$(tb_kmem_bytes "$log")"
  tb_assert_eq "bad key: carve left as legacy pmem" $((2 * GiB)) "$(tb_carve_bytes "$log")"
  tb_assert_eq "bad key: carve bytes unchanged (guest)" "$want" "$(tb_report "$log" sha256 2)"
  tb_assert_eq "bad key: carve bytes unchanged (RAM file)" "$want" "$(tb_read_sha256 "$TB_RAMDIR/ram" $((4 * GiB)) $MiB)"
  tb_assert_true "bad key: the error line" said "$log" "bad options: every carve left untouched"
  tb_assert_true "bad key: a pmemreclaim line names pmemreclaim.keep=lots" said "$log" "pmemreclaim.keep=lots"
  tb_assert_true "bad key: a pmemreclaim line names pmemreclaim.kep" said "$log" "pmemreclaim.kep"
  tb_assert_true "bad key: not 'nothing to do'" tr_dmesg_lacks "$log" "no pmemreclaim= option: nothing to do"
else
  tb_fail "bad key: did not reach /init"
fi
tb_finish
