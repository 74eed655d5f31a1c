# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=plan-apply (sourced by the test init): `pmemreclaim plan --json ARGS`, then `pmemreclaim apply --json
# ARGS` on the running system (no pmemreclaim= at boot), with test.pa_args=ARGS (commas for blanks). Reports the
# plan as one @@pa_plan line, apply's status as @@pa_apply_rc, its outcome as one @@pa_apply line and its log
# as @@pa_apply_log lines.
# shellcheck shell=dash
args=$(opt pa_args | tr ',' ' ')
/sbin/pmemreclaim plan --json $args > /tmp/plan.json 2> /tmp/plan.log
say "pa_plan_rc $?"
say "pa_plan $(cat /tmp/plan.json)"
sed 's/^/@@pa_plan_log /' /tmp/plan.log
/sbin/pmemreclaim apply --json $args > /tmp/apply.json 2> /tmp/apply.log
say "pa_apply_rc $?"
say "pa_apply $(cat /tmp/apply.json)"
sed 's/^/@@pa_apply_log /' /tmp/apply.log
say "pa_e820_driver $(basename "$(readlink /sys/bus/platform/devices/e820_pmem/driver 2>/dev/null)" 2>/dev/null)"
