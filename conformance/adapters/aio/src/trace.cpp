// The trace of one run.
#include "trace.h"

#include <cmath>

namespace loopcheck::aio_adapter {

double round9(double seconds) {
  double rounded = std::nearbyint(seconds * 1e9) / 1e9;
  return rounded == 0.0 ? 0.0 : rounded;  // no -0.0
}

void Trace::emit(const char* kind, nlohmann::json fields) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!open_) return;
  nlohmann::json event = nlohmann::json::object();
  event["kind"] = kind;
  for (auto it = fields.begin(); it != fields.end(); ++it) event[it.key()] = std::move(it.value());
  event["t"] = round9(elapsed_());
  events_.push_back(std::move(event));
}

void Trace::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  open_ = false;
}

nlohmann::json Trace::events() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return events_;
}

}  // namespace loopcheck::aio_adapter
