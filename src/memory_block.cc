// SPDX-License-Identifier: GPL-2.0-or-later
#include "memory_block.h"

#include "iomem.h"
#include "log.h"
#include "timing.h"

namespace pmemreclaim {

std::string MemoryBlockStatePath(u64 index) {
  return "/sys/devices/system/memory/memory" + std::to_string(index) + "/state";
}

std::optional<u64> ReadBlockSize(SystemInterface& sys) {
  const auto text = sys.ReadFile(kBlockSizePath);
  if (!text) return std::nullopt;
  const auto v = ParseHex(*text);
  if (!v || !IsPowerOfTwo(*v) || *v < 2 * kMiB) return std::nullopt;
  return v;
}

namespace {

std::optional<std::string> ReadState(SystemInterface& sys, u64 index) {
  auto state = sys.ReadFile(MemoryBlockStatePath(index));
  if (state) state = state->substr(0, state->find('\n'));
  return state;
}

// An onlining write, charged to the onlining phase of the timing line.
bool TimedWrite(SystemInterface& sys, const std::string& path, const std::string& value, std::string* err) {
  PhaseTimer timer(PhaseId::kOnline);
  return sys.WriteFile(path, value, err);
}

}  // namespace

std::vector<BlockState> OnlineBlocks(SystemInterface& sys, const Range& online, u64 block_size, Zone zone) {
  std::vector<BlockState> out;
  if (!IsPowerOfTwo(block_size)) return out;
  const Range blocks = AlignInward(online, block_size);
  const std::string want = zone == Zone::kMovable ? "online_movable" : "online";  // as libdaxctl writes
  for (u64 at = blocks.start; at < blocks.end; at += block_size) {
    BlockState b;
    b.index = at / block_size;
    const std::string path = MemoryBlockStatePath(b.index);
    auto state = ReadState(sys, b.index);
    b.added = state.has_value();
    std::string err;
    if (!b.added) {
      b.error = "kmem did not add it";
    } else if (*state != "online" && !TimedWrite(sys, path, want, &err)) {
      if (err.rfind(path + ": ", 0) == 0) err.erase(0, path.size() + 2);
      b.error = want + ": " + err;
    } else if ((state = ReadState(sys, b.index)) != "online") {
      b.error = "still " + state.value_or("unreadable") + " after " + want;
    }
    b.online = b.error.empty();
    out.push_back(b);
  }
  return out;
}

std::vector<BlockState> OfflineBlocks(SystemInterface& sys, const Range& range, u64 block_size) {
  std::vector<BlockState> out;
  if (!IsPowerOfTwo(block_size)) return out;
  const Range blocks = AlignInward(range, block_size);
  for (u64 at = blocks.start; at < blocks.end; at += block_size) {
    BlockState b;
    b.index = at / block_size;
    const std::string path = MemoryBlockStatePath(b.index);
    const auto now = ReadState(sys, b.index);
    b.added = now.has_value();
    std::string err;
    if (!now) {
      b.error = "no " + path;
    } else if (*now != "offline" && !sys.WriteFile(path, "offline", &err)) {
      b.online = true;
      b.error = err + (err.find("busy") != std::string::npos || err.find("Busy") != std::string::npos
                           ? " (pages in it could not be migrated: unmovable allocations)"
                           : "");
    }
    out.push_back(b);
  }
  return out;
}

u64 KmemBytesIn(SystemInterface& sys, const Range& r) {
  u64 sum = 0;
  for (const Range& k : KmemRanges(ReadIomem(sys))) sum += k.Intersect(r).size();
  return sum;
}

u64 OnlineKmemBytesIn(SystemInterface& sys, const Range& r, u64 block_size) {
  if (!IsPowerOfTwo(block_size)) return 0;
  u64 sum = 0;
  for (const Range& k : KmemRanges(ReadIomem(sys))) {
    const Range blocks = AlignInward(k.Intersect(r), block_size);
    for (u64 at = blocks.start; at < blocks.end; at += block_size) {
      if (ReadState(sys, at / block_size) == "online") sum += block_size;
    }
  }
  return sum;
}

AutoOnlineHold::AutoOnlineHold(SystemInterface& sys) : sys_(sys) {
  if (const auto policy = sys_.ReadFile(kAutoOnlinePath)) saved_ = *policy;
  while (!saved_.empty() && saved_.back() == '\n') saved_.pop_back();
}

void AutoOnlineHold::Hold() {
  if (held_ || saved_.empty() || saved_ == "offline") return;
  std::string err;
  if (sys_.WriteFile(kAutoOnlinePath, "offline", &err)) {
    held_ = true;
  } else {
    LogWarning("could not hold auto_online_blocks at offline: " + err);
  }
}

void AutoOnlineHold::Restore() {
  std::string err;
  if (held_ && !sys_.WriteFile(kAutoOnlinePath, saved_, &err)) {
    LogWarning("could not restore auto_online_blocks to " + saved_ + ": " + err);
  }
  held_ = false;
}

bool WantMemmapOnMemory(MemmapOnMemory opt, const std::optional<std::string>& kernel_param) {
  switch (opt) {
    case MemmapOnMemory::kOn:
      return true;
    case MemmapOnMemory::kOff:
      return false;
    case MemmapOnMemory::kAuto:
      break;
  }
  if (!kernel_param) return false;
  std::string v = *kernel_param;
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return v == "Y" || v == "y" || v == "1" || v == "force";
}

}  // namespace pmemreclaim
