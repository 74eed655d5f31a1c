#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Edit the pfn (fsdax) info block of a label-less namespace in a guest RAM file from the host, the way a
block goes bad or stops fitting the kernel (tests/boot/TEST-fsdax-carve.sh):

  pfn-sb.py FILE OFFSET check                  exit 0 when the block's fletcher64 checksum matches
  pfn-sb.py FILE OFFSET flip-checksum          one checksum byte flipped: the kernel no longer knows it
                                               (it attaches the namespace raw)
  pfn-sb.py FILE OFFSET move-dataoff BYTES     dataoff moved by BYTES, checksum recomputed: a valid block
                                               the kernel refuses ("bad offset ... dax disabled")

OFFSET is the namespace's start in FILE; the block (struct nd_pfn_sb, 4096 bytes) lies 4096 bytes in, its
dataoff at 56 and its checksum at 4088, the fletcher64 of the block with the checksum zeroed, over
little-endian 32-bit words (drivers/nvdimm/core.c nd_fletcher64, nd_sb_checksum)."""
import struct
import sys

SIG = b"NVDIMM_PFN_INFO\0"


def fletcher64(block):
    lo = hi = 0
    for (word,) in struct.iter_unpack("<I", bytes(block)):
        lo = (lo + word) & 0xFFFFFFFF
        hi = (hi + lo) & 0xFFFFFFFFFFFFFFFF
    return ((hi << 32) | lo) & 0xFFFFFFFFFFFFFFFF


def checksum(block):
    b = bytearray(block)
    struct.pack_into("<Q", b, 4088, 0)
    return fletcher64(b)


def main():
    path, off, op = sys.argv[1], int(sys.argv[2], 0) + 4096, sys.argv[3]
    with open(path, "r+b") as f:
        f.seek(off)
        sb = bytearray(f.read(4096))
        if sb[:16] != SIG:
            sys.exit("pfn-sb.py: no pfn info block at %#x" % off)
        stored = struct.unpack_from("<Q", sb, 4088)[0]
        if op == "check":
            sys.exit(0 if stored == checksum(sb) else 1)
        if stored != checksum(sb):
            sys.exit("pfn-sb.py: the block's checksum does not match before the edit (wrong algorithm?)")
        if op == "flip-checksum":
            sb[4088] ^= 0xFF
        elif op == "move-dataoff":
            dataoff = struct.unpack_from("<Q", sb, 56)[0]
            struct.pack_into("<Q", sb, 56, dataoff + int(sys.argv[4], 0))
            struct.pack_into("<Q", sb, 4088, checksum(sb))
        else:
            sys.exit("pfn-sb.py: unknown operation " + op)
        f.seek(off)
        f.write(sb)


main()
