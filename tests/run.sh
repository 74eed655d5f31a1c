#!/bin/bash
# The test suite: builds everything (tests/build.sh), then runs every ctest test: the Catch2 unit
# tests (label unit) and the QEMU boot tests (label boot), one at a time.
#   usage: tests/run.sh [ctest arguments, e.g. -L unit]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/tests/build.sh" >/dev/null
cd "$ROOT/build/host"
ctest --output-on-failure "$@"
