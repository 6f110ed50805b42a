// VirtualClock: argument checks for the only two ways simulated time moves.
#include "aio/sim/virtual_clock.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "aio/errors.h"

namespace aio::sim {

namespace {

std::string format_seconds(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9f", value);
  return buf;
}

}  // namespace

void VirtualClock::advance(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0) {
    throw ValueError("VirtualClock.advance() needs a finite, non-negative number of seconds, got " +
                     format_seconds(seconds));
  }
  now_ += seconds;
}

void VirtualClock::set(double t) {
  if (!std::isfinite(t) || t < now_) {
    throw ValueError("VirtualClock.set() only moves time forward: now is " + format_seconds(now_) +
                     ", asked for " + format_seconds(t));
  }
  now_ = t;
}

}  // namespace aio::sim
