// SPDX-License-Identifier: GPL-2.0-or-later
#include "strategy.h"

#include "plan.h"

namespace pmemreclaim {

const char* StrategyName(Strategy s) {
  switch (s) {
    case Strategy::kAuto: return "auto";
    case Strategy::kLegacy: return "legacy";
    case Strategy::kRamdax: return "ramdax";
    case Strategy::kHmem: return "hmem";
    case Strategy::kOff: return "off";
  }
  return "?";
}

std::optional<Strategy> ParseStrategy(std::string_view v) {
  if (v == "auto") return Strategy::kAuto;
  if (v == "legacy") return Strategy::kLegacy;
  if (v == "ramdax") return Strategy::kRamdax;
  if (v == "hmem") return Strategy::kHmem;
  if (v == "off") return Strategy::kOff;
  return std::nullopt;
}

bool ReclaimStrategy::MakeSlicePlan(const Geometry& /*geometry*/, const std::vector<SliceSpec>& /*slices*/,
                                    Plan* /*plan*/, std::string* err) const {
  *err = std::string("strategy ") + StrategyName(id()) + " does not lay out named slices";
  return false;
}

}  // namespace pmemreclaim
