// SPDX-License-Identifier: GPL-2.0-or-later
// The decision ShapeHmem takes on a soft-reserved region's dax devices
// (plan.h: NextHmemShapeStep), apart from libdaxctl.
#include "plan.h"

#include <catch2/catch.hpp>

using namespace pmemreclaim;

namespace {

const Range kRegion = Range::FromSize(4 * kGiB, 2 * kGiB);
const Range kKeep = Range::FromSize(4 * kGiB, 128 * kMiB);
const Range kRest{kKeep.end, kRegion.end};

DaxDeviceInfo Dev(const std::string& name, const Range& r, const std::string& driver) { return {name, r, driver}; }

// The decision for the plain split: a kept device `keep`, the rest `rest` (either may be empty).
HmemShapeStep Next(const std::vector<DaxDeviceInfo>& devices, const std::string& first, const Range& keep,
                   const Range& rest) {
  std::vector<HmemDeviceSpec> want;
  if (!keep.empty()) want.push_back(HmemDeviceSpec{keep, 0, true});
  if (!rest.empty()) want.push_back(HmemDeviceSpec{rest, 0, false});
  return NextHmemShapeStep(devices, first, want);
}

}  // namespace

TEST_CASE("hmem shape: idle, or dax_hmem's one device nobody took to kmem, is split") {
  CHECK(Next({}, "dax0.0", kKeep, kRest) == HmemShapeStep::kSplit);
  for (const char* driver : {"", "device_dax"}) {
    CHECK(Next({Dev("dax0.0", kRegion, driver)}, "dax0.0", kKeep, kRest) == HmemShapeStep::kSplit);
    CHECK(Next({Dev("dax0.0", kRegion, driver)}, "dax0.0", Range{}, kRegion) == HmemShapeStep::kShaped);
  }
}

TEST_CASE("hmem shape: an earlier run's split is kept, whatever drivers hold it") {
  for (const char* driver : {"", "device_dax", "kmem"}) {
    CHECK(Next({Dev("dax0.0", kKeep, "device_dax"), Dev("dax0.1", kRest, driver)}, "dax0.0", kKeep,
                            kRest) == HmemShapeStep::kShaped);
  }
  CHECK(Next({Dev("dax0.0", kKeep, "")}, "dax0.0", kKeep, Range{}) == HmemShapeStep::kShaped);
}

TEST_CASE("hmem shape: anything else is refused") {
  // kmem holds the whole region: the kept bytes would be in use as RAM
  CHECK(Next({Dev("dax0.0", kRegion, "kmem")}, "dax0.0", kKeep, kRest) == HmemShapeStep::kRefuse);
  // a device that is not dax_hmem's own
  CHECK(Next({Dev("dax0.1", kRegion, "")}, "dax0.0", kKeep, kRest) == HmemShapeStep::kRefuse);
  // another split (another keep, or someone's daxctl create-device)
  const Range other = Range::FromSize(kRegion.start, 256 * kMiB);
  CHECK(Next({Dev("dax0.0", other, "device_dax"), Dev("dax0.1", Range{other.end, kRegion.end}, "")},
                          "dax0.0", kKeep, kRest) == HmemShapeStep::kRefuse);
  CHECK(Next({Dev("dax0.0", kKeep, "device_dax"), Dev("dax0.1", kRest, "")}, "dax0.0", kKeep, Range{}) ==
        HmemShapeStep::kRefuse);
}

TEST_CASE("hmem shape: dax_hmem's own device alone is resized whatever its size (the planner judges the size)") {
  // Whether one device that is not the whole region is someone's is the
  // planner's call (PlanHmem leaves it: foreign-dax-devices); the device
  // layer only refuses what it could not resize.
  CHECK(Next({Dev("dax0.0", kKeep, "device_dax")}, "dax0.0", kKeep, kRest) == HmemShapeStep::kSplit);
  Geometry g;
  RegionInfo r;
  r.name = "dax_region0";
  r.range = kRegion;
  r.carve = true;
  r.devices = {Dev("dax0.0", kKeep, "device_dax")};
  g.regions = {r};
  const Plan plan = PlanHmem(g, 128 * kMiB);
  REQUIRE(plan.carves.size() == 1);
  CHECK(plan.carves[0].regions.at(0).action == RegionAction::kLeave);
  CHECK(plan.carves[0].regions.at(0).reason == Reason::kForeignDaxDevices);
}
