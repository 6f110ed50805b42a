#pragma once
// The trace of one run (scenarios/README.md, section 5): events in the order they happen,
// each with `t`, the loop's time since t0, rounded as the Python driver rounds it
// (round(t, 9)). Once closed (after the program's last step) it records nothing more.
// Must not: read a real clock.

#include <cstddef>
#include <nlohmann/json.hpp>

#include "virtual_time.h"

namespace loopcheck::refmodel {

// The events a run may trace before the model gives up on it (status adapter_error): far
// more than a scenario's expectations can list, and a bound on the memory a run takes.
inline constexpr std::size_t kTraceBudget = 100'000;

// Python's round(x, 9): the double nearest to x rounded half-even to 9 decimals.
double round9(double x);

class Trace {
 public:
  Trace(const VirtualClock& clock, double t0) : clock_(clock), t0_(t0) {}
  double elapsed() const { return clock_.now - t0_; }
  // Appends {"kind": kind, ...fields, "t": round9(elapsed)}; gives up past kTraceBudget.
  void emit(const char* kind, nlohmann::json fields);
  void close() { open_ = false; }
  nlohmann::json take() { return std::move(events_); }

 private:
  const VirtualClock& clock_;
  double t0_;
  nlohmann::json events_ = nlohmann::json::array();
  bool open_ = true;
};

}  // namespace loopcheck::refmodel
