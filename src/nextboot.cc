#include "nextboot.h"

#include <algorithm>

#include "report.h"

namespace pmemreclaim {

namespace {

// What a soft-reserved region's dax devices say about it, against the
// split this plan wants (kept device, rest device): "" when pmemreclaim may
// go on (nothing split yet, or its own split), else why it must not.
std::string HmemDevicesState(const RegionInfo& r, const Range& keep_dev, const Range& rest_dev, bool* split_done) {
  *split_done = false;
  const std::vector<DaxDeviceInfo>& d = r.devices;
  if (d.empty()) return "";  // idle (dax_hmem region_idle): no device yet
  for (const DaxDeviceInfo& dev : d) {
    if (dev.driver == "kmem" && dev.range.Overlaps(keep_dev)) {
      return "kmem holds " + dev.devname + " " + Describe(dev.range) +
             " over the kept range (was kmem loaded before dax_hmem?); nothing can be kept there now";
    }
  }
  std::vector<Range> want;
  if (!keep_dev.empty()) want.push_back(keep_dev);
  if (!rest_dev.empty()) want.push_back(rest_dev);
  bool same = d.size() == want.size();
  for (size_t i = 0; same && i < d.size(); ++i) same = d[i].range == want[i];
  if (same) {
    *split_done = true;
    return "";
  }
  // One device over the whole region, as dax_hmem makes it without region_idle.
  if (d.size() == 1 && d[0].range == r.range && d[0].driver != "kmem") return "";
  return "its dax devices (" + d.front().devname + " " + Describe(d.front().range) +
         (d.size() > 1 ? ", ..." : "") + ") are not as pmemreclaim splits it; left as they are";
}

}  // namespace

Plan PlanHmem(const Machine& machine, u64 keep) {
  Plan plan;
  plan.strategy = Strategy::kHmem;
  plan.block_size = machine.block_size;
  const std::vector<RegionInfo> regions = CarveRegions(machine.regions);
  const Range kept = KeptRange(regions, keep);
  const u64 b = machine.block_size;
  for (const RegionInfo& r : regions) {
    CarvePlan c;
    c.range = r.range;
    c.kept = kept.Intersect(r.range);
    RegionPlan p;
    p.region = r;
    p.dax_align = kSubsection;  // dax_hmem devices are multiples of 2 MiB
    p.device_align = kSubsection;
    const Range usable{r.range.start, r.range.start + AlignDown(r.range.size(), kSubsection)};
    u64 kept_end = c.kept.empty() ? r.range.start : AlignUp(c.kept.end, kSubsection);
    if (!IsAligned(r.range.start, kSubsection)) {
      p.action = RegionAction::kLeave;
      p.why = "the carve start is not 2 MiB aligned";
    } else {
      // Rounding the kept device up to the next block costs nothing: kmem
      // would not online those bytes anyway.  The kept device always
      // exists when something is kept, bound to device_dax, so that kmem
      // (loaded later, e.g. by udev) can never take the kept bytes.
      if (!c.kept.empty()) kept_end = std::min(std::max(kept_end, AlignUp(kept_end, b)), usable.end);
      p.keep_namespace = Range{r.range.start, kept_end};
      p.dax_namespace = Range{kept_end, usable.end};
      p.data = p.dax_namespace;
      p.online = AlignInward(p.data, b);
      if (p.online.empty()) p.dax_namespace = p.data = Range{};
      if (c.kept.empty() && p.online.empty()) {
        p.action = RegionAction::kLeave;
        p.why = "too small: nothing to online after alignment to " + HumanSize(b) + " memory blocks";
        p.keep_namespace = Range{};
      } else {
        bool split_done = false;
        p.why = HmemDevicesState(r, p.keep_namespace, p.dax_namespace, &split_done);
        if (!p.why.empty()) {
          p.action = RegionAction::kLeave;
          p.keep_namespace = p.dax_namespace = p.data = p.online = Range{};
        } else if (p.online.empty()) {
          p.action = RegionAction::kKeep;
          p.why = c.kept.end >= usable.end ? "the kept range covers the whole carve"
                                           : "too little is left after the kept range for a memory block";
        } else {
          p.action = split_done ? RegionAction::kReuseDevdax : RegionAction::kCreateDevdax;
        }
      }
    }
    c.onlined = p.online.size();
    c.lost = c.range.size() - c.kept.size() - c.onlined;
    c.regions.push_back(p);
    plan.carves.push_back(std::move(c));
  }
  return plan;
}

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
    t.kept += c.kept.size();
    t.onlined += c.onlined;
    t.lost += c.lost;
  }
  return t;
}

Machine MachineFor(const NextBootInput& in, Strategy s, const std::vector<Range>& carves) {
  Machine m;
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

Plan PlanFor(Strategy s, const Machine& m, u64 keep) {
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
        } else if (!r.keep_namespace.empty()) {
          later = s == Strategy::kHmem ? AlignInward(r.keep_namespace, in.block_size)
                                       : AlignInward(DevdaxData(r.keep_namespace, r.dax_align), in.block_size);
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
    } else if (key == "--block" || key == "--dax-align" || key == "--page" || key == "--keep") {
      const auto n = ParseSize(v);
      const bool power = n && IsPowerOfTwo(*n);
      if (!n || (key != "--keep" && !power)) {
        *err = "bad " + a + (key == "--keep" ? ": expected a size" : ": expected a power of two");
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
  std::string out = "{\"arch\":" + JsonString(ArchName(in.arch)) + ",\"block_size\":" +
                    std::to_string(in.block_size) + ",\"dax_align\":" + std::to_string(in.dax_align) +
                    ",\"keep\":" + std::to_string(in.keep) + ",\"strategies\":[";
  for (size_t i = 0; i < estimates.size(); ++i) {
    const Estimate& e = estimates[i];
    if (i) out += ",";
    out += "{\"strategy\":" + JsonString(StrategyName(e.strategy)) + ",\"available\":" +
           (e.available ? "true" : "false") + ",\"kept\":" + std::to_string(e.kept) + ",\"onlined\":" +
           std::to_string(e.onlined) + ",\"lost\":" + std::to_string(e.lost) + ",\"next_boot\":" +
           JsonString(e.carves_text) + ",\"next_boot_onlined\":" + std::to_string(e.advice_onlined) +
           ",\"next_boot_lost\":" + std::to_string(e.advice_lost) + ",\"later_onlined\":" +
           std::to_string(e.later_onlined) + "}";
  }
  return out + "]}";
}

}  // namespace pmemreclaim
