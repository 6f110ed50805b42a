#pragma once
// The Clock seam: where the loop reads time. The loop core never reads a real clock itself;
// it asks the Clock it was built with. Real: MonotonicClock (CLOCK_MONOTONIC). Simulated:
// aio::sim::VirtualClock, which moves only when the simulated world says so.

namespace aio {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds on a monotonic base whose epoch is unspecified (as loop.time(), U-02).
  virtual double now() const = 0;
  // The smallest step now() can show; the loop treats a timer as due when
  // when < now() + resolution() (ORD-06).
  virtual double resolution() const = 0;
};

}  // namespace aio
