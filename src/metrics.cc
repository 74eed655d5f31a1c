// SPDX-License-Identifier: GPL-2.0-or-later
#include "metrics.h"

#include <utility>

#include "json_read.h"

namespace pmemreclaim {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A label value with the format's three escapes (backslash, quote, newline).
std::string Escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// "0x100000000-0x17fffffff": a range as a label (first and last byte).
std::string RangeLabel(const Range& r) {
  if (r.empty()) return "empty";
  return Hex(r.start) + "-" + Hex(r.end - 1);
}

// The families in the order first used, each with its samples together (the format wants them so).
class Metrics {
 public:
  void Add(const std::string& name, const char* help, const Labels& labels, u64 value) {
    Family* f = nullptr;
    for (Family& x : families_) {
      if (x.name == name) f = &x;
    }
    if (f == nullptr) {
      families_.push_back(Family{name, help, {}});
      f = &families_.back();
    }
    std::string line = name;
    if (!labels.empty()) {
      line += '{';
      for (size_t i = 0; i < labels.size(); ++i) {
        line += (i ? "," : "") + labels[i].first + "=\"" + Escaped(labels[i].second) + "\"";
      }
      line += '}';
    }
    f->samples.push_back(line + " " + std::to_string(value));
  }

  std::string Text() const {
    std::string out;
    for (const Family& f : families_) {
      out += "# HELP " + f.name + " " + f.help + "\n# TYPE " + f.name + " gauge\n";
      for (const std::string& s : f.samples) out += s + "\n";
    }
    return out;
  }

 private:
  struct Family {
    std::string name;
    const char* help;
    std::vector<std::string> samples;
  };
  std::vector<Family> families_;
};

std::string Text(const JsonValue* v) { return v && v->type == JsonValue::Type::kString ? v->text : ""; }
u64 Number(const JsonValue* v) { return v ? v->Unsigned().value_or(0) : 0; }
// The items of an array member (none when absent), without copying them.
const std::vector<JsonValue>& Items(const JsonValue* v) {
  static const std::vector<JsonValue> kNone;
  return v ? v->items : kNone;
}
Range RangeOf(const JsonValue* v) {
  if (!v) return Range{};
  return Range::FromSize(Number(v->Find("start")), Number(v->Find("size")));
}

void RecordMetrics(const JsonValue& record, Metrics& m) {
  m.Add("pmemreclaim_info", "pmemreclaim's version and strategy in this boot's handoff record",
        {{"version", Text(record.Find("pmemreclaim_version"))}, {"strategy", Text(record.Find("strategy"))}}, 1);
  const JsonValue* ok = record.Find("ok");
  m.Add("pmemreclaim_ok", "1 when the boot's run did all it planned", {}, ok && ok->boolean ? 1 : 0);
  for (const JsonValue& c : Items(record.Find("carves"))) {
    const Range range = RangeOf(c.Find("range"));
    const Labels carve{{"carve", RangeLabel(range)}};
    m.Add("pmemreclaim_carve_bytes", "size of the carve", carve, range.size());
    m.Add("pmemreclaim_carve_onlined_bytes", "bytes of the carve pmemreclaim onlined as System RAM", carve,
          Number(c.Find("onlined")));
    m.Add("pmemreclaim_carve_lost_bytes", "bytes of the carve neither kept nor onlined", carve, Number(c.Find("lost")));
    m.Add("pmemreclaim_carve_kept_bytes", "bytes of the carve kept (pmemreclaim.keep=)", carve,
          RangeOf(c.Find("kept")).size());
    const JsonValue* preserved = c.Find("preserved");
    if (preserved && preserved->type == JsonValue::Type::kBool) {
      m.Add("pmemreclaim_carve_preserved", "1 when the layout (and the kept bytes) is an earlier boot's", carve,
            preserved->boolean ? 1 : 0);
    }
    m.Add("pmemreclaim_carve_errors", "regions of the carve that did not end as planned", carve,
          Items(c.Find("errors")).size());
    for (const JsonValue& r : Items(c.Find("regions"))) {
      m.Add("pmemreclaim_region_info", "each region of a carve: what pmemreclaim did with it and why",
            {{"carve", RangeLabel(range)},
             {"region", Text(r.Find("name"))},
             {"range", RangeLabel(RangeOf(r.Find("range")))},
             {"action", Text(r.Find("action"))},
             {"reason", Text(r.Find("reason"))}},
            1);
    }
  }
  for (const JsonValue& r : Items(record.Find("skipped"))) {
    m.Add("pmemreclaim_skipped_region_info", "pmem regions that are not RAM carves, never touched",
          {{"region", Text(r.Find("name"))},
           {"range", RangeLabel(RangeOf(r.Find("range")))},
           {"bus", Text(r.Find("bus"))},
           {"reason", Text(r.Find("reason"))}},
          1);
  }
}

}  // namespace

std::string PrometheusText(const StatusView& view) {
  Metrics m;
  std::optional<JsonValue> record;
  if (view.record) record = ParseJson(*view.record, nullptr);
  m.Add("pmemreclaim_record", "1 when this boot has a handoff record (/run/pmemreclaim/state.json) that reads as JSON",
        {}, record && record->type == JsonValue::Type::kObject ? 1 : 0);
  if (record && record->type == JsonValue::Type::kObject) RecordMetrics(*record, m);
  m.Add("pmemreclaim_image_lacks_pmemreclaim",
        "1 when the command line asks for pmemreclaim but the initramfs did not run it", {},
        view.image_lacks_pmemreclaim ? 1 : 0);
  m.Add("pmemreclaim_memory_block_bytes", "the kernel's memory block size", {}, view.block_size);
  for (const CarveStatus& c : view.carves) {
    m.Add("pmemreclaim_region_kmem_online_bytes", "System RAM (kmem) online inside each carve region now",
          {{"region", c.name}, {"range", RangeLabel(c.range)}, {"strategy", c.strategy}, {"state", c.state}},
          c.kmem_online);
  }
  m.Add("pmemreclaim_kexec_hazards", "kexec hazards status warns about", {}, view.kexec_hazards.size());
  return m.Text();
}

}  // namespace pmemreclaim
