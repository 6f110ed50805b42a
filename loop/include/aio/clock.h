#pragma once
// The Clock seam: where the loop reads time. The loop core never reads a real clock itself;
// it asks the Clock it was built with. Real: MonotonicClock (CLOCK_MONOTONIC). Simulated:
// aio::sim::VirtualClock, which moves only when the simulated world says so.

#include <cstdint>

namespace aio {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds on a monotonic base whose epoch is unspecified (as loop.time(), U-02).
  virtual double now() const = 0;
  // The smallest step now() can show; the loop treats a timer as due when
  // when < now() + resolution() (ORD-06).
  virtual double resolution() const = 0;
  // How the loop orders timers scheduled for exactly the same `when`, which the docs leave
  // undefined (U-01). 0, the default: in the order they were scheduled (FIFO, aio's choice).
  // Anything else: a key that permutes that order, the same way for the same key (the
  // simulator's chaos mode). Timers with different `when`s are never reordered. Read once,
  // when the loop is built.
  virtual std::uint64_t equal_time_order() const { return 0; }
};

}  // namespace aio
