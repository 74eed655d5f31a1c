#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The test suite:
#   0. every Debian package the builds and tests need, in one apt-get (qemu/host-deps.sh --all);
#   1. in the background, tests/prebuild.sh in two lanes: the downloads (kernels, userland, Debian roots) and
#      the 64K-page kernel build (the boot tests' shared pieces, made once and never under a boot test's
#      timeout);
#   2. meanwhile tests/build.sh (everything); then each libFuzzer target for 20 s on its seed corpus
#      (build/fuzz; a crash fails) in the background, beside the downloads and the tests;
#   3. when the downloads are done (the 64K tests wait for their kernel through the ctest fixture
#      boot.prebuilt-kernel-64k), every test of the main build: the Catch2 unit tests under ASan + UBSan
#      (label unit), the command line (label cli) and the QEMU boot tests (label boot), two at a time (PMEMRECLAIM_TEST_JOBS, default 2: one vCPU per guest on a 2-core
#      host; tests that need most of the host's memory hold the resource lock host-memory).
#   usage: tests/run.sh [ctest arguments for step 3, e.g. -L unit or -R ramdax]
# The last lines name every test that failed (ctest's list), then the ndctl comparison lines.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T0=$SECONDS
phase() { echo "run.sh: $1 done at $((SECONDS - T0)) s"; }
"$ROOT/qemu/host-deps.sh" --all >/dev/null
phase "host packages"
mkdir -p "$ROOT/.cache/logs"
prelog=$ROOT/.cache/logs/prebuild
"$ROOT/tests/prebuild.sh" downloads 2>"$prelog-downloads.log" > "$prelog-downloads.steps" &
prebuild=$!
"$ROOT/tests/prebuild.sh" kernel-64k 2>"$prelog-kernel-64k.log" > "$prelog-kernel-64k.steps" &
"$ROOT/tests/build.sh" >/dev/null
phase "build"
# the fuzz targets (20 s each, bounded by libFuzzer's own clock) beside the downloads and the first tests
(cd "$ROOT/build/fuzz" && ctest --output-on-failure -j2 -L fuzz) > "$ROOT/.cache/logs/fuzz.log" 2>&1 &
fuzz=$!
prc=0
wait "$prebuild" || prc=$?
cat "$prelog-downloads.steps"
if [ "$prc" -ne 0 ]; then
  echo "run.sh: the downloads failed (the tests that need them will fail); the log's end:"
  tail -n 30 "$prelog-downloads.log" | sed 's/^/    /'
fi
phase "downloads"
cd "$ROOT/build/host"
mkdir -p "$ROOT/.cache/boot-tests" "$ROOT/.cache/ctest" && : > "$ROOT/.cache/boot-tests/compare.txt"
# the tests' durations from the last run on this machine: ctest starts the longest first
costs=Testing/Temporary/CTestCostData.txt
mkdir -p Testing/Temporary
# (a cold cache: the durations of a run committed in tests/ctest-costs.txt)
[ -s "$costs" ] || [ ! -s "$ROOT/.cache/ctest/CTestCostData.txt" ] || cp "$ROOT/.cache/ctest/CTestCostData.txt" "$costs"
[ -s "$costs" ] || cp "$ROOT/tests/ctest-costs.txt" "$costs"
# a test the last run did not have (a new one) takes its committed duration, so that a long new test still
# starts among the first and not last
awk 'NR == FNR { if ($0 == "---") stop = 1; if (!stop) have[$1] = 1; next }
     $0 == "---" { exit } !($1 in have) { print }' "$costs" "$ROOT/tests/ctest-costs.txt" > "$costs.new"
if [ -s "$costs.new" ]; then
  { sed '/^---$/,$d' "$costs"; cat "$costs.new"; sed -n '/^---$/,$p' "$costs"; } > "$costs.merged" && mv "$costs.merged" "$costs"
fi
rm -f "$costs.new"
rc=0
ctest --output-on-failure -j"${PMEMRECLAIM_TEST_JOBS:-2}" "$@" || rc=$?
[ ! -s "$costs" ] || cp "$costs" "$ROOT/.cache/ctest/CTestCostData.txt"
phase "ctest"
frc=0
wait "$fuzz" || frc=$?
sed -n '/tests passed\|tests failed/,$p' "$ROOT/.cache/logs/fuzz.log"
if [ "$frc" -ne 0 ]; then
  echo "run.sh: a fuzz target failed; its output:"; sed 's/^/    /' "$ROOT/.cache/logs/fuzz.log" | tail -n 60
  [ "$rc" -ne 0 ] || rc=$frc
fi
cat "$prelog-kernel-64k.steps" 2>/dev/null || true
echo "pmemreclaim vs ndctl+daxctl, same VM and image (bytes, read from the guest kernel's /proc/iomem):"
cat "$ROOT/.cache/boot-tests/compare.txt"
if [ "$rc" -ne 0 ] && [ -s Testing/Temporary/LastTestsFailed.log ]; then
  echo "run.sh: FAILED tests:"; sed 's/^[0-9]*:/    /' Testing/Temporary/LastTestsFailed.log
fi
exit $rc
