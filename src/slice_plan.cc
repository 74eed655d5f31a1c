// SPDX-License-Identifier: GPL-2.0-or-later
#include "slice_plan.h"

#include <algorithm>

#include "json.h"

namespace pmemreclaim {
namespace {

// COMMAND_LINE_SIZE on x86
constexpr size_t kCommandLineMax = 2048;

SliceEstimate EstimateOne(const NextBootInput& in, Strategy s) {
  SliceEstimate e;
  e.strategy = s;
  if (s == Strategy::kHmem && in.arch != Arch::kX86_64) {
    e.available = false;
    return e;
  }
  std::vector<SliceSpec> specs = in.slices;
  for (SliceSpec& spec : specs) spec.align = std::max(spec.align, kSubsection);
  // ramdax: each carve's last 128 KiB are its label area
  std::vector<Range> usable;
  for (const Range& c : in.carves) {
    usable.push_back(s != Strategy::kRamdax ? c : Range{c.start, c.end - std::min(c.size(), kLabelAreaSize)});
  }
  const u64 lead = s == Strategy::kRamdax ? kSubsection : 0;
  e.fits = LayoutSlices(usable, specs, lead, &e.slices, &e.why);
  if (!e.fits) {
    e.carves_text = FormatCarvesFor(in.arch, s, in.carves);
    return e;
  }
  std::vector<Range> layout;  // legacy: the memmap= carves
  u64 total = 0;
  for (const Range& c : in.carves) total += c.size();
  for (size_t i = 0; i < usable.size(); ++i) {
    u64 rest_start = usable[i].start;
    for (const Slice& sl : e.slices) {
      if (sl.carve != i) continue;
      e.kept += sl.range.size();
      rest_start = sl.range.end;
      layout.push_back(sl.range);
    }
    const Range rest{AlignUp(rest_start, kSubsection), AlignDown(usable[i].end, kSubsection)};
    if (rest.empty()) continue;
    // hmem: the device itself; ramdax and legacy: a devdax over it, data after the info block
    const Range data = s == Strategy::kHmem ? rest : DevdaxData(rest, std::max(in.dax_align, kSubsection));
    e.onlined += AlignInward(data, in.block_size).size();
    layout.push_back(rest);
  }
  e.stranded = total - e.kept - e.onlined;
  e.carves_text = FormatCarvesFor(in.arch, s, s == Strategy::kLegacy ? layout : in.carves);
  if (in.arch == Arch::kX86_64 && e.carves_text.size() > kCommandLineMax) {
    // the layout stands, but no x86 kernel can be told it
    e.why = "its " + std::to_string(layout.size()) + " memmap= carves take " + std::to_string(e.carves_text.size()) +
            " bytes, more than the kernel's " + std::to_string(kCommandLineMax) + "-byte command line";
  }
  return e;
}

}  // namespace

std::vector<SliceEstimate> EstimateSlices(const NextBootInput& in) {
  std::vector<SliceEstimate> out;
  for (Strategy s : {Strategy::kLegacy, Strategy::kRamdax, Strategy::kHmem}) out.push_back(EstimateOne(in, s));
  return out;
}

std::string SliceEstimatesText(const NextBootInput& in, const std::vector<SliceEstimate>& estimates) {
  std::string out = "carve " + FormatCarves(in.arch, in.carves) + ", memory block " + HumanSize(in.block_size) +
                    ", dax align " + HumanSize(in.dax_align) + ", slices " +
                    FormatSlices(SlicesSpec{false, in.slices}) + "\n";
  for (const SliceEstimate& e : estimates) {
    out += std::string("  ") + StrategyName(e.strategy) + ": ";
    if (!e.available) {
      out += "not available on " + std::string(ArchName(in.arch)) + "\n";
      continue;
    }
    if (!e.fits) {
      out += e.why + "\n";
      continue;
    }
    out += "kept " + HumanSize(e.kept) + " in " + std::to_string(e.slices.size()) + " slices, onlined " +
           HumanSize(e.onlined) + ", stranded " + HumanSize(e.stranded) + "; " +
           (e.why.empty() ? "boot with: " + e.carves_text : e.why) + "\n";
  }
  return out;
}

std::string SliceEstimatesJson(const NextBootInput& in, const std::vector<SliceEstimate>& estimates) {
  JsonWriter j;
  j.BeginObject()
      .Field("arch", ArchName(in.arch))
      .Field("block_size", in.block_size)
      .Field("dax_align", in.dax_align)
      .Field("keep", FormatSlices(SlicesSpec{false, in.slices}))
      .Key("strategies")
      .BeginArray();
  for (const SliceEstimate& e : estimates) {
    j.BeginObject()
        .Field("strategy", StrategyName(e.strategy))
        .Field("available", e.available)
        .Field("fits", e.fits)
        .Field("error", e.why)
        .Field("kept", e.kept)
        .Field("onlined", e.onlined)
        .Field("stranded", e.stranded)
        .Field("carves", e.carves_text)
        .Key("slices")
        .BeginArray();
    for (const Slice& s : e.slices) {
      j.BeginObject()
          .Field("name", s.name)
          .Key("range")
          .BeginObject()
          .Field("start", s.range.start)
          .Field("size", s.range.size())
          .EndObject()
          .Field("align", s.align)
          .EndObject();
    }
    j.EndArray().EndObject();
  }
  return j.EndArray().EndObject().str();
}

}  // namespace pmemreclaim
