#!/bin/bash
# arm64, 4K pages (Debian sid linux-binary-*-arm64, qemu-system-aarch64 virt -cpu max, TCG): two adjacent
# device-tree pmem-region carves, 126 MiB kept + 1922 MiB starting 2 MiB below the block boundary
# 0x1c8000000: pmemreclaim=legacy onlines 1920 MiB (2 MiB lost), the kept bytes stay identical; the same
# with ndctl + daxctl; and without NUMA (kmem rejects node -1) nothing is written. See reclaim.sh.
set -euo pipefail
export TB_ARCH=arm64 TB_KERNEL_FLAVOUR=${TB_KERNEL_FLAVOUR:-sid-arm64}
export PMEMRECLAIM_BINARY=${PMEMRECLAIM_ARM64_BINARY:-}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reclaim.sh"
if ! tb_have_binary; then
  d=$TB_ROOT/build/aarch64-linux-musl/pmemreclaim
  [ -f "$d" ] && PMEMRECLAIM_BINARY=$d || { echo "[$TB_NAME] FAIL: no static aarch64 pmemreclaim (tests/build.sh makes build/aarch64-linux-musl/pmemreclaim)"; exit 1; }
fi
tr_arm64_keep_scenario 2
tb_finish
