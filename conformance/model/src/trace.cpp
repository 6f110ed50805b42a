// The trace of one run.
#include "trace.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "errors.h"

namespace loopcheck::refmodel {

double round9(double x) {
  if (x == 0) return 0.0;
  // printf rounds the exact binary value half-even, as Python's round() does; strtod then
  // gives the nearest double, as float(repr) would.
  char text[400];  // DBL_MAX has 309 digits before the point
  std::snprintf(text, sizeof text, "%.9f", x);
  return std::strtod(text, nullptr);
}

void Trace::emit(const char* kind, nlohmann::json fields) {
  if (!open_) return;
  if (events_.size() >= kTraceBudget)
    throw Abort{"adapter_error", "the model gave up: the run traces more than " +
                                     std::to_string(kTraceBudget) +
                                     " events (conformance/model/README.md, \"Limits\")"};
  fields["kind"] = kind;
  fields["t"] = round9(elapsed());
  events_.push_back(std::move(fields));
}

}  // namespace loopcheck::refmodel
