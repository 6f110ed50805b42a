#pragma once
// aio::sim::VirtualClock: the simulated Clock seam. Time starts at 0.0 and moves only when
// told: by SimSelector::select() when it would wait, or by advance() to simulate a callback
// that burns CPU time. Must not read any real clock and never moves backwards.
// In the world's chaos mode it also hands loops a key that permutes equal-time timers
// (Clock::equal_time_order).

#include <cstdint>

#include "aio/clock.h"

namespace aio::sim {

class VirtualClock final : public Clock {
 public:
  VirtualClock() = default;

  double now() const override { return now_; }
  // 1 ns, like CLOCK_MONOTONIC's reported resolution on Linux.
  double resolution() const override { return 1e-9; }
  // 0 (FIFO) unless the world is in chaos mode.
  std::uint64_t equal_time_order() const override { return equal_time_order_; }
  void set_equal_time_order(std::uint64_t key) { equal_time_order_ = key; }

  // Moves time forward by `seconds`. Throws aio::ValueError if seconds is negative, NaN or
  // infinite.
  void advance(double seconds);
  // Moves time forward to `t`. Throws aio::ValueError if t < now() or t is not finite;
  // set(now()) is allowed and does nothing.
  void set(double t);

 private:
  double now_ = 0.0;
  std::uint64_t equal_time_order_ = 0;
};

}  // namespace aio::sim
