// Plans as text and JSON, for `pmemreclaim plan` and `status`.
#ifndef PMEMRECLAIM_REPORT_H_
#define PMEMRECLAIM_REPORT_H_

#include <string>

#include "plan.h"

namespace pmemreclaim {

std::string JsonString(const std::string& s);
std::string PlanJson(Arch arch, const Plan& plan);
std::string PlanText(Arch arch, const Plan& plan);

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_REPORT_H_
