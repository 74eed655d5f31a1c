# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by test-init.sh (test.run=system) when pmemreclaim-test-report.service runs it on an installed
# Debian system (TEST-system-*), after multi-user.target and udev's settle: what systemd and the installed
# package say. test-init.sh's report (kept bytes, the record, /proc/iomem) follows.
# shellcheck shell=dash
say "pid1 $(cat /proc/1/comm)"
say "system_target $(systemctl is-active multi-user.target)"
say "system_failed $(systemctl list-units --state=failed --no-legend --plain | awk '{printf "%s,", $1}')"
# why each failed unit failed, in its own words: its program's last journal lines (not systemd's about it)
for u in $(systemctl list-units --state=failed --no-legend --plain | awk '{print $1}'); do
  say "unit_log $u $(journalctl -b -u "$u" -o cat --no-pager 2>/dev/null | grep -v "^$u: " | tail -n 3 | tr '\n' ' ')"
done
say "system_jobs $(systemctl list-jobs --no-legend | grep -vc pmemreclaim-test-report)"
say "installed $(dpkg-query -W -f '${Status} ${Version}' pmemreclaim 2>/dev/null || echo none)"
if [ -x /usr/sbin/pmemreclaim ]; then
  say "status_json $(/usr/sbin/pmemreclaim status --json 2>/dev/null | tr -d '\n')"
fi
# the metrics pmemreclaim-textfile.service wrote for node_exporter's textfile collector (where the test
# enabled it), base64 on one line
prom=/var/lib/prometheus/node-exporter/pmemreclaim.prom
if [ -d "${prom%/*}" ]; then
  say "textfile_unit $(systemctl is-active pmemreclaim-textfile.service)"
  [ ! -f "$prom" ] || say "prometheus $(base64 -w0 < "$prom")"
fi
