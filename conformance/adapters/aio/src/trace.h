#pragma once
// The trace: the single observation channel of a run (README section 5). Events are appended
// under a lock, in the order they happen, from any thread; each gets `t`, the loop time since
// t0. Once closed (after the program's last step) nothing more is recorded.

#include <functional>
#include <mutex>

#include <nlohmann/json.hpp>

namespace loopcheck::aio_adapter {

// Python's round(x, 9), which the reference driver applies to times.
double round9(double seconds);

class Trace {
 public:
  explicit Trace(std::function<double()> elapsed) : elapsed_(std::move(elapsed)) {}

  // Appends {"kind": kind, ...fields, "t": elapsed}.
  void emit(const char* kind, nlohmann::json fields);
  void close();
  nlohmann::json events() const;

 private:
  std::function<double()> elapsed_;
  mutable std::mutex mutex_;
  nlohmann::json events_ = nlohmann::json::array();
  bool open_ = true;
};

}  // namespace loopcheck::aio_adapter
