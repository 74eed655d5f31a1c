// SPDX-License-Identifier: GPL-2.0-or-later
// Sizes and addresses: parsing them the way the kernel's memparse() does,
// and printing them for people and for kernel command lines.
#ifndef PMEMRECLAIM_SIZE_H_
#define PMEMRECLAIM_SIZE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pmemreclaim {

using u64 = std::uint64_t;

constexpr u64 kKiB = u64{1} << 10;
constexpr u64 kMiB = u64{1} << 20;
constexpr u64 kGiB = u64{1} << 30;

// Parses "126M", "2G", "0x80200000", "4096", "1k" like the kernel's
// memparse(): an unsigned number in base 0 (0x hex, leading 0 octal,
// else decimal) followed by at most one of K M G T P E (either case).
// Unlike memparse, the whole text must be used and overflow is an error.
std::optional<u64> ParseSize(std::string_view text);

// Parses a plain unsigned number in base 0 (no suffix), whole text.
std::optional<u64> ParseNumber(std::string_view text);

// Parses a hex number with or without a 0x prefix, as sysfs prints
// block_size_bytes ("8000000") and resources ("0x140000000").
std::optional<u64> ParseHex(std::string_view text);

// "2 GiB", "126 MiB", "130 KiB", "4097 B": exact, largest unit that divides.
std::string HumanSize(u64 bytes);

// Kernel command line form: "2G", "126M", "128K", else "0x..." hex.
std::string KernelSize(u64 bytes);

// "0x13fe00000"
std::string Hex(u64 value);

constexpr bool IsPowerOfTwo(u64 v) { return v != 0 && (v & (v - 1)) == 0; }

// Alignment helpers; `align` must be a power of two.  AlignUp saturates
// instead of wrapping at the top of the address space.
constexpr u64 AlignDown(u64 v, u64 align) { return v & ~(align - 1); }
constexpr u64 AlignUp(u64 v, u64 align) {
  const u64 down = AlignDown(v, align);
  if (down == v) return v;
  return down > ~u64{0} - align ? AlignDown(~u64{0}, align) : down + align;
}
constexpr bool IsAligned(u64 v, u64 align) { return (v & (align - 1)) == 0; }

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_SIZE_H_
