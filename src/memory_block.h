// SPDX-License-Identifier: GPL-2.0-or-later
// Memory blocks (/sys/devices/system/memory): their size, their state,
// onlining and offlining them one by one, the kernel's auto-online policy,
// and how much of a range kmem holds.  Everything about memory blocks is
// here; the strategies call it.
#ifndef PMEMRECLAIM_MEMORY_BLOCK_H_
#define PMEMRECLAIM_MEMORY_BLOCK_H_

#include <optional>
#include <string>
#include <vector>

#include "range.h"
#include "system.h"

namespace pmemreclaim {

// The zone memory is onlined in (pmemreclaim.zone=).
enum class Zone { kMovable, kNormal };
inline const char* ZoneName(Zone z) { return z == Zone::kMovable ? "movable" : "normal"; }

// Where the memory map (struct pages) of the blocks kmem adds comes from
// (pmemreclaim.memmap_on_memory=): kOn asks the kernel to carve it out of
// the added blocks themselves (the dax device's memmap_on_memory attribute,
// Linux >= 6.8), kOff takes it from the RAM already online (the kernel's
// default), kAuto asks when the kernel's memory_hotplug.memmap_on_memory
// parameter is set (it refuses the attribute otherwise).
enum class MemmapOnMemory { kAuto, kOn, kOff };
constexpr char kMemmapOnMemoryParamPath[] = "/sys/module/memory_hotplug/parameters/memmap_on_memory";

// How kmem takes a dax device: the zone its blocks go online in, and
// whether their memory map is carved from them.
struct KmemMode {
  Zone zone = Zone::kMovable;
  bool memmap_on_memory = false;
};

// Whether to ask for the memory map on the added blocks: `opt`, and for
// kAuto the kernel's parameter as sysfs shows it ("Y", "force"; "N" or
// nullopt when the kernel has no such parameter).
bool WantMemmapOnMemory(MemmapOnMemory opt, const std::optional<std::string>& kernel_param);

constexpr char kBlockSizePath[] = "/sys/devices/system/memory/block_size_bytes";
constexpr char kAutoOnlinePath[] = "/sys/devices/system/memory/auto_online_blocks";

// /sys/devices/system/memory/memoryN/state of memory block N.
std::string MemoryBlockStatePath(u64 index);

// /sys/devices/system/memory/block_size_bytes; nullopt if absent or odd.
std::optional<u64> ReadBlockSize(SystemInterface& sys);

// A memory block that was to be onlined or offlined, as the kernel reports
// it afterwards.
struct BlockState {
  u64 index = 0;       // memoryN
  bool added = false;  // memoryN exists (kmem added it)
  bool online = false;
  std::string error;  // why it is not in the state asked for
};

// After libdaxctl had its go (it stops at the first block the kernel
// refuses): onlines in `zone` each memory block of `online` that kmem added
// and that is still offline, and reads back what the kernel says.
std::vector<BlockState> OnlineBlocks(SystemInterface& sys, const Range& online, u64 block_size, Zone zone);

// Offlines every memory block inside `range`; a block is offlined when
// error is empty and online false afterwards.
std::vector<BlockState> OfflineBlocks(SystemInterface& sys, const Range& range, u64 block_size);

// Bytes of "System RAM (kmem)" inside `r`.
u64 KmemBytesIn(SystemInterface& sys, const Range& r);

// The part of it whose memory blocks are online (kmem adds blocks that may
// stay offline).
u64 OnlineKmemBytesIn(SystemInterface& sys, const Range& r, u64 block_size);

// kmem onlines by itself when the kernel's policy says so (Debian 7.x:
// "online"), in a zone of the kernel's choosing: Hold() keeps the policy at
// "offline" while devices go to kmem, Restore() (or the destructor) puts
// back what was there.
class AutoOnlineHold {
 public:
  explicit AutoOnlineHold(SystemInterface& sys);
  ~AutoOnlineHold() { Restore(); }
  AutoOnlineHold(const AutoOnlineHold&) = delete;
  AutoOnlineHold& operator=(const AutoOnlineHold&) = delete;
  void Hold();
  void Restore();

 private:
  SystemInterface& sys_;
  std::string saved_;
  bool held_ = false;
};

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_MEMORY_BLOCK_H_
