#pragma once
// aio::sim::VirtualClock: the simulated Clock seam. Time starts at 0.0 and moves only when
// told: by SimSelector::select() when it would wait, or by advance() to simulate a callback
// that burns CPU time. Must not read any real clock and never moves backwards.

#include "aio/clock.h"

namespace aio::sim {

class VirtualClock final : public Clock {
 public:
  VirtualClock() = default;

  double now() const override { return now_; }
  // 1 ns, like CLOCK_MONOTONIC's reported resolution on Linux.
  double resolution() const override { return 1e-9; }

  // Moves time forward by `seconds`. Throws aio::ValueError if seconds is negative, NaN or
  // infinite.
  void advance(double seconds);
  // Moves time forward to `t`. Throws aio::ValueError if t < now() or t is not finite;
  // set(now()) is allowed and does nothing.
  void set(double t);

 private:
  double now_ = 0.0;
};

}  // namespace aio::sim
