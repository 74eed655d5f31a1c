#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every shell script of the project through shellcheck at severity warning (settings in .shellcheckrc:
# sourced files are followed from the script's own directory). A finding fails; a line that does what a
# check warns about on purpose carries a "# shellcheck disable=SCnnnn  # why" directive.
#   usage: tests/shellcheck.sh   (ctest: lint.shellcheck)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v shellcheck >/dev/null || { echo "shellcheck.sh: shellcheck is not installed (qemu/host-deps.sh)" >&2; exit 1; }
# *.sh, and the scripts without the suffix (a shell's #! line), outside the build and cache trees
mapfile -t scripts < <(
  find . \( -path ./build -o -path ./.cache -o -path ./.git -o -path ./deps/zig \) -prune -o -type f -print \
    | while read -r f; do
        case "$f" in *.sh) echo "$f" ;; *) head -c 64 "$f" 2>/dev/null | grep -qE '^#! ?/bin/(ba)?sh' && echo "$f" ;; esac
      done | sort)
echo "shellcheck.sh: ${#scripts[@]} scripts"
shellcheck -x -S warning "${scripts[@]}"
