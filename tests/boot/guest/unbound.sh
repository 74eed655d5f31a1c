# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=unbound: a give-back stopped halfway. Every carve namespace is unbound from its driver with
# force_raw=0 (what a give-back interrupted between unbind and bind leaves), then `pmemreclaim apply
# --strategy=legacy --keep=SIZE` runs (test.unbound_keep: the whole carve, so nothing is onlined).
# Reports each namespace's driver as @@unbound_ns TAG NAME DRIVER force_raw=N and the /dev/pmem* nodes
# as @@unbound_nodes TAG LIST, for TAG bound, unbound and after; apply's output and status. Sourced by
# the test init.
# shellcheck shell=dash
ns_report() {
  for n in /sys/bus/nd/devices/namespace*; do
    [ -e "$n/force_raw" ] || continue
    d=none; [ -e "$n/driver" ] && d=$(basename "$(readlink "$n/driver")")
    say "unbound_ns $1 ${n##*/} $d force_raw=$(cat "$n/force_raw")"
  done
  say "unbound_nodes $1 $(cd /dev && ls -d pmem* 2>/dev/null | tr '\n' ',')"
}
for m in nd_e820 nd_pmem; do modprobe "$m" || say "error modprobe $m"; done
i=0; while [ ! -e /sys/bus/nd/devices/namespace0.0/driver ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ns_report bound
for n in /sys/bus/nd/devices/namespace*; do
  [ -e "$n/driver" ] && echo "${n##*/}" > "$n/driver/unbind"
done
ns_report unbound
/sbin/pmemreclaim apply --strategy=legacy --keep="$(opt unbound_keep)" > /tmp/unbound.log 2>&1
say "unbound_apply_rc $?"
sed 's/^/@@unbound_apply_log /' /tmp/unbound.log
ns_report after
