// The nvdimm and dax subsystems (bus, region, namespace, dax device,
// memory) behind one small interface.  The real one uses libndctl and
// libdaxctl; tests use a fake.
#ifndef PMEMRECLAIM_NVDIMM_H_
#define PMEMRECLAIM_NVDIMM_H_

#include <memory>
#include <string>
#include <vector>

#include "cmdline.h"
#include "plan.h"

namespace pmemreclaim {

class NvdimmInterface {
 public:
  virtual ~NvdimmInterface() = default;
  // Label-less pmem regions (x86 e820, arm64 of_pmem) and what they hold.
  virtual std::vector<RegionInfo> LegacyRegions() = 0;
  // The devdax alignment the kernel proposes for a new dax device (its
  // PMD size: 2 MiB on x86, 32 MiB on arm64 with 16K pages); 0 if unknown.
  virtual u64 DefaultDaxAlign() = 0;
  // Claims the region's namespace for device-dax with map=mem and `align`:
  // this writes the info block in the namespace's first 8 KiB and nothing
  // else.  *data is the dax device's range afterwards.
  virtual bool CreateDevdax(const std::string& region, u64 align, Range* data, std::string* err) = 0;
  // Hands the region's dax device to kmem and onlines its memory blocks in
  // `zone`.  *onlined is the number of blocks onlined.
  virtual bool OnlineDevdax(const std::string& region, Zone zone, int* onlined, std::string* err) = 0;
};

// libndctl + libdaxctl; nullptr (with *err) when they can't start.
std::unique_ptr<NvdimmInterface> OpenLibNvdimm(std::string* err);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_NVDIMM_H_
