// MonotonicClock: CLOCK_MONOTONIC as seconds (see aio/monotonic_clock.h).
#include "aio/monotonic_clock.h"

#include <ctime>

namespace aio {

namespace {

double to_seconds(const timespec& ts) {
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double monotonic_resolution() {
  timespec ts{};
  if (::clock_getres(CLOCK_MONOTONIC, &ts) != 0) return 1e-9;  // cannot fail on Linux
  return to_seconds(ts);
}

}  // namespace

MonotonicClock::MonotonicClock() : resolution_(monotonic_resolution()) {}

double MonotonicClock::now() const {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return to_seconds(ts);
}

}  // namespace aio
