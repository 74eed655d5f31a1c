#!/bin/bash
# The test suite: builds everything (tests/build.sh), then runs
#   1. the Catch2 unit tests under ASan + UBSan (build/asan),
#   2. each libFuzzer target for 20 s on its seed corpus (build/fuzz; a crash fails),
#   3. every test of the main build: the unit tests (label unit) and the QEMU boot tests (label
#      boot), one at a time.
#   usage: tests/run.sh [ctest arguments for step 3, e.g. -L unit or -R ramdax]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/tests/build.sh" >/dev/null
(cd "$ROOT/build/asan" && ctest --output-on-failure -L unit)
(cd "$ROOT/build/fuzz" && ctest --output-on-failure -L fuzz)
cd "$ROOT/build/host"
mkdir -p "$ROOT/.cache/boot-tests" && : > "$ROOT/.cache/boot-tests/compare.txt"
rc=0
ctest --output-on-failure "$@" || rc=$?
echo "pmemreclaim vs ndctl+daxctl, same VM and image (bytes, read from the guest kernel's /proc/iomem):"
cat "$ROOT/.cache/boot-tests/compare.txt"
exit $rc
