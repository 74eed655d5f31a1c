// SPDX-License-Identifier: GPL-2.0-or-later
// The handoff record: what the boot did, for the real system to find under
// /run after switch_root (/run/pmemreclaim/state.json), so that a program
// learns where its kept bytes are and whether they are the previous boot's
// without parsing log lines.  Versioned: a reader checks "version".
#ifndef PMEMRECLAIM_HANDOFF_H_
#define PMEMRECLAIM_HANDOFF_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "outcome.h"

namespace pmemreclaim {

constexpr char kStateDir[] = "/run/pmemreclaim";
constexpr char kStatePath[] = "/run/pmemreclaim/state.json";
constexpr int kStateVersion = 1;

// Did the boot find the layout pmemreclaim made in an earlier boot on this
// carve (true: the RAM survived, a warm reboot or kexec), or make it now
// (false: a first or cold boot; the kept bytes are not the previous
// boot's)?  nullopt where the strategy can't tell (hmem, or nothing laid
// out).  Legacy: its marked devdax reused or made; ramdax: its kept or
// devdax namespace found or made.
std::optional<bool> Preserved(Strategy strategy, const CarvePlan& carve);

// The record (schema in README "The handoff record"):
// {"version":1,"pmemreclaim_version":..,"strategy":..,"ok":..,"error":..,"carves":[{"range":{..},
//  "strategy":..,"kept":{..},"kept_devices":[..],"online_devices":[..],"onlined":..,"lost":..,
//  "preserved":true|false|null,"slices":[{"name":..,"range":{..},"align":..,"device":..,"preserved":..}],
//  "next_boot":"memmap=.." (carves that would lose less, or lay the slices out; "" if none),"errors":[..],"regions":[..]}],"skipped":[..]} (regions and skipped:
//  WriteCarveRegions, WriteSkipped in report.h)
std::string StateJson(const Outcome& outcome);

// The kept devices a record names, in its order (carves by address).
std::vector<std::string> KeptDevicesInRecord(const std::string& record);

// The named slices a record gives a device, as (name, device) in its order.
// Names that are not slice names (slices.h: IsSliceName) are left out: a
// name becomes a path under /dev.
std::vector<std::pair<std::string, std::string>> SliceDevicesInRecord(const std::string& record);

// The dax devices a record says pmemreclaim gave to kmem (hmem).
std::vector<std::string> OnlineDevicesInRecord(const std::string& record);

// The /dev links of kept device number `index` of `count`: always
// "pmemreclaim/keepINDEX", and "pmemreclaim/keep" when it is the only one.
std::vector<std::string> KeepLinkNames(size_t index, size_t count);

// A record for a run that ended before it could say anything (the worker
// died or timed out): no carves, `error`.
std::string FailedStateJson(const std::string& error);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_HANDOFF_H_
