# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=foreign-apply: pmemreclaim as a command on the running system, no flags and no pmemreclaim=
# option at boot: `plan`, `apply` (auto), then `status`; each one's output as @@foreign_<cmd> lines
# and its exit status. Sourced by the test init.
# shellcheck shell=dash
for c in plan apply status; do
  /sbin/pmemreclaim "$c" > "/tmp/$c.out" 2>&1
  say "foreign_${c}_rc $?"
  sed "s/^/@@foreign_$c /" "/tmp/$c.out"
done
