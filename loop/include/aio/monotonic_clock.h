#pragma once
// MonotonicClock: the real Clock, CLOCK_MONOTONIC in seconds (as Python's time.monotonic(),
// which asyncio's loop.time() uses). Part of the real backend, the only code allowed to read
// a real clock; it holds no loop logic and no kernel headers. Thread-safe and stateless
// beyond the resolution read once at construction.

#include "aio/clock.h"

namespace aio {

class MonotonicClock final : public Clock {
 public:
  // Reads the resolution with clock_getres(CLOCK_MONOTONIC).
  MonotonicClock();
  // clock_gettime(CLOCK_MONOTONIC) in seconds.
  double now() const override;
  // clock_getres(CLOCK_MONOTONIC) in seconds (1e-09 on Linux).
  double resolution() const override { return resolution_; }

 private:
  double resolution_;
};

}  // namespace aio
