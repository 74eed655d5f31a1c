// SPDX-License-Identifier: GPL-2.0-or-later
#include "nextboot.h"

#include <algorithm>

#include "json.h"
#include "report.h"

namespace pmemreclaim {

std::string FormatCarvesFor(Arch arch, Strategy strategy, const std::vector<Range>& carves) {
  if (arch != Arch::kX86_64 || strategy != Strategy::kHmem) return FormatCarves(arch, carves);
  std::string out;
  for (const Range& c : carves) {
    if (!out.empty()) out += " ";
    out += "memmap=" + KernelSize(c.size()) + "%" + KernelSize(c.start) + "-1+0xefffffff";
  }
  return out;
}

namespace {

struct Totals {
  u64 kept = 0, onlined = 0, lost = 0;
};

Totals Sum(const Plan& p) {
  Totals t;
  for (const CarvePlan& c : p.carves) {
    t.kept += c.KeptBytes();
    t.onlined += c.onlined;
    t.lost += c.lost;
  }
  return t;
}

Geometry MachineFor(const NextBootInput& in, Strategy s, const std::vector<Range>& carves) {
  Geometry m;
  m.arch = in.arch;
  m.block_size = in.block_size;
  m.dax_align = in.dax_align;
  m.ram = in.ram;
  for (size_t i = 0; i < carves.size(); ++i) {
    const std::string name = "carve" + std::to_string(i);
    if (s == Strategy::kRamdax) {
      if (carves[i].size() > kLabelAreaSize) m.regions.push_back(RamdaxRegionFor(name, carves[i]));
    } else {
      m.regions.push_back(RawRegion(name, carves[i]));
    }
  }
  return m;
}

Plan PlanFor(Strategy s, const Geometry& m, u64 keep) {
  switch (s) {
    case Strategy::kRamdax: return PlanRamdax(m, keep);
    case Strategy::kHmem: return PlanHmem(m, keep);
    default: return PlanLegacy(m, keep);
  }
}

// hmem loses nothing on a block-aligned carve whose kept part is whole
// blocks: the kept range rounded up to a block, then the blocks.
std::vector<Range> AdviseHmemCarve(const Range& carve, u64 keep, u64 block, const std::vector<Range>& ram) {
  std::vector<Range> room = ram;
  room.push_back(carve);
  const u64 kept = AlignUp(keep, block);
  const u64 want = carve.size() / block;
  for (u64 s : {AlignDown(carve.start, block), AlignUp(carve.start, block)}) {
    for (u64 m = want; m * block > kept; --m) {
      const Range c = Range::FromSize(s, m * block);
      if (Covered(c, room)) return {c};
    }
  }
  return {};
}

}  // namespace

std::vector<Estimate> EstimateStrategies(const NextBootInput& in) {
  std::vector<Estimate> out;
  for (Strategy s : {Strategy::kLegacy, Strategy::kRamdax, Strategy::kHmem}) {
    Estimate e;
    e.strategy = s;
    if (s == Strategy::kHmem && in.arch != Arch::kX86_64) {
      e.available = false;
      out.push_back(e);
      continue;
    }
    const Plan now = PlanFor(s, MachineFor(in, s, in.carves), in.keep);
    const Totals t = Sum(now);
    e.kept = t.kept;
    e.onlined = t.onlined;
    e.lost = t.lost;
    if (s == Strategy::kHmem) {
      if (in.carves.size() == 1 && t.lost > 0) e.advice = AdviseHmemCarve(in.carves[0], in.keep, in.block_size, in.ram);
    } else {
      for (const CarvePlan& c : now.carves) e.advice.insert(e.advice.end(), c.advice.begin(), c.advice.end());
    }
    const std::vector<Range>& layout = e.advice.empty() ? in.carves : e.advice;
    const Plan next = PlanFor(s, MachineFor(in, s, layout), in.keep);
    const Totals n = Sum(next);
    e.advice_onlined = n.onlined;
    e.advice_lost = n.lost;
    if (!e.advice.empty() && n.onlined < t.onlined) {  // advice must not lose more
      e.advice.clear();
      e.advice_onlined = t.onlined;
      e.advice_lost = t.lost;
    }
    // Later, keep 0 on the same layout: the kept part becomes devdax too.
    for (const CarvePlan& c : next.carves) {
      for (const RegionPlan& r : c.regions) {
        Range later;
        if (s == Strategy::kLegacy && r.action == RegionAction::kKeep) {
          later = AlignInward(DevdaxData(r.region.range, std::max(in.dax_align, kSubsection)), in.block_size);
        } else if (!r.keep_extent.empty()) {
          later = s == Strategy::kHmem ? AlignInward(r.keep_extent, in.block_size)
                                       : AlignInward(DevdaxData(r.keep_extent, r.dax_align), in.block_size);
        }
        e.later_onlined += later.size();
      }
    }
    e.carves_text = FormatCarvesFor(in.arch, s, layout);
    out.push_back(e);
  }
  return out;
}

bool ParseNextBootArgs(const std::vector<std::string>& args, NextBootInput* in, bool* json, std::string* err) {
  auto value = [](const std::string& a) { return a.substr(a.find('=') + 1); };
  for (const std::string& a : args) {
    const std::string key = a.substr(0, a.find('='));
    const std::string v = value(a);
    if (a == "--json") {
      *json = true;
    } else if (key == "--carve") {
      const size_t sep = v.find_first_of("!@");
      const auto size = sep == std::string::npos ? std::nullopt : ParseSize(v.substr(0, sep));
      const auto start = sep == std::string::npos ? std::nullopt : ParseSize(v.substr(sep + 1));
      if (!size || !start || *size == 0 || *start > ~u64{0} - *size) {
        *err = "bad " + a + ": expected SIZE!START, e.g. --carve=2G!4G";
        return false;
      }
      in->carves.push_back(Range::FromSize(*start, *size));
    } else if (key == "--ram") {
      const size_t dash = v.find('-');
      const auto start = dash == std::string::npos ? std::nullopt : ParseSize(v.substr(0, dash));
      const auto end = dash == std::string::npos ? std::nullopt : ParseSize(v.substr(dash + 1));
      if (!start || !end || *end <= *start) {
        *err = "bad " + a + ": expected START-END, e.g. --ram=4G-9G";
        return false;
      }
      in->ram.push_back(Range{*start, *end});
    } else if (key == "--keep" && (v.find(':') != std::string::npos || v.find(',') != std::string::npos)) {
      std::string why;
      const auto slices = ParseSlices(v, &why);
      if (!slices) {
        *err = "bad " + a + ": " + why;
        return false;
      }
      in->slices = slices->slices;
    } else if (key == "--block" || key == "--dax-align" || key == "--page" || key == "--keep") {
      const auto n = ParseSize(v);
      const bool power = n && IsPowerOfTwo(*n);
      if (!n || (key != "--keep" && !power)) {
        *err = "bad " + a + (key == "--keep" ? ": expected a size" : ": expected a power of two");
        return false;
      }
      if (key == "--page" && *n != 4 * kKiB && *n != 16 * kKiB && *n != 64 * kKiB) {
        *err = "bad " + a + ": expected a page size: 4K, 16K or 64K";
        return false;
      }
      if (key == "--block") in->block_size = *n;
      if (key == "--dax-align") in->dax_align = *n;
      if (key == "--page") in->dax_align = *n * (*n / 8);  // the PMD size
      if (key == "--keep") in->keep = *n;
    } else if (key == "--arch") {
      if (v != "x86_64" && v != "arm64") {
        *err = "bad " + a + ": expected x86_64 or arm64";
        return false;
      }
      in->arch = v == "arm64" ? Arch::kArm64 : Arch::kX86_64;
    } else {
      *err = "unknown argument " + a;
      return false;
    }
  }
  if (in->carves.empty()) {
    *err = "give the carve: --carve=SIZE!START";
    return false;
  }
  if (in->block_size < kSubsection || in->dax_align > in->block_size) {
    *err = "the memory block size must be at least 2 MiB and the dax alignment";
    return false;
  }
  return true;
}

std::string EstimatesText(const NextBootInput& in, const std::vector<Estimate>& estimates) {
  std::string out = "carve " + FormatCarves(in.arch, in.carves) + ", memory block " + HumanSize(in.block_size) +
                    ", dax align " + HumanSize(in.dax_align) + ", keep " + HumanSize(in.keep) + "\n";
  for (const Estimate& e : estimates) {
    out += std::string("  ") + StrategyName(e.strategy) + ": ";
    if (!e.available) {
      out += "not available on " + std::string(ArchName(in.arch)) + "\n";
      continue;
    }
    out += "onlined " + HumanSize(e.onlined) + ", lost " + HumanSize(e.lost) + "; next boot: " + e.carves_text +
           " -> onlined " + HumanSize(e.advice_onlined) + ", lost " + HumanSize(e.advice_lost);
    if (in.keep > 0) out += "; later, keep 0: +" + HumanSize(e.later_onlined);
    out += "\n";
  }
  return out;
}

std::string EstimatesJson(const NextBootInput& in, const std::vector<Estimate>& estimates) {
  JsonWriter j;
  j.BeginObject()
      .Field("arch", ArchName(in.arch))
      .Field("block_size", in.block_size)
      .Field("dax_align", in.dax_align)
      .Field("keep", in.keep)
      .Key("strategies")
      .BeginArray();
  for (const Estimate& e : estimates) {
    j.BeginObject()
        .Field("strategy", StrategyName(e.strategy))
        .Field("available", e.available)
        .Field("kept", e.kept)
        .Field("onlined", e.onlined)
        .Field("lost", e.lost)
        .Field("next_boot", e.carves_text)
        .Field("next_boot_onlined", e.advice_onlined)
        .Field("next_boot_lost", e.advice_lost)
        .Field("later_onlined", e.later_onlined)
        .EndObject();
  }
  return j.EndArray().EndObject().str();
}

}  // namespace pmemreclaim
