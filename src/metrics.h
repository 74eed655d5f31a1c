// SPDX-License-Identifier: GPL-2.0-or-later
// `pmemreclaim status --prometheus`: this boot's handoff record and the
// kernel's view now in the Prometheus text format (version 0.0.4), for
// node_exporter's textfile collector (pmemreclaim-textfile.service writes
// it there after the boot), so that a fleet reads what pmemreclaim did
// without parsing log lines.  Pure: `status` gathers the view.
#ifndef PMEMRECLAIM_METRICS_H_
#define PMEMRECLAIM_METRICS_H_

#include <optional>
#include <string>
#include <vector>

#include "range.h"
#include "size.h"

namespace pmemreclaim {

// A carve region as the strategies see it now.
struct CarveStatus {
  std::string name;      // region0, ...
  Range range;
  std::string strategy;  // legacy, ramdax, hmem
  std::string state;     // raw, devdax, labelled, soft-reserved, other
  u64 kmem_online = 0;   // bytes of System RAM (kmem) inside it
};

struct StatusView {
  u64 block_size = 0;
  std::vector<CarveStatus> carves;
  std::vector<std::string> kexec_hazards;
  std::optional<std::string> record;  // this boot's handoff record, as written
  bool image_lacks_pmemreclaim = false;
};

// The metrics (README "Metrics" lists them): per carve of the record its
// size, onlined, lost and kept bytes, preserved, errors; every region's
// action and reason; every skipped region's bus and reason; the record's
// version, strategy and ok; the kernel's kmem bytes per carve region now,
// the memory block size, the kexec hazards, and whether the image lacked
// pmemreclaim.  A record that is not JSON gives pmemreclaim_record 0 and
// no record metrics.
std::string PrometheusText(const StatusView& view);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_METRICS_H_
