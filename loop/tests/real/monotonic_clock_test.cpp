// MonotonicClock: seconds on CLOCK_MONOTONIC, never going back, with the kernel's resolution.
#include "aio/monotonic_clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace aio {
namespace {

TEST(MonotonicClockTest, NeverGoesBackwards) {
  MonotonicClock clock;
  double last = clock.now();
  for (int i = 0; i < 1000; ++i) {
    const double now = clock.now();
    EXPECT_GE(now, last);
    last = now;
  }
}

TEST(MonotonicClockTest, MeasuresRealTimeInSeconds) {
  MonotonicClock clock;
  const double start = clock.now();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double elapsed = clock.now() - start;
  EXPECT_GE(elapsed, 0.005);
  EXPECT_LT(elapsed, 1.0);
}

TEST(MonotonicClockTest, ResolutionIsClockGetres) {
  MonotonicClock clock;
  EXPECT_GT(clock.resolution(), 0.0);
  EXPECT_LE(clock.resolution(), 1e-6);  // time.get_clock_info('monotonic'): 1e-09 on Linux
}

TEST(MonotonicClockTest, SharesItsBaseWithSteadyClock) {
  // Both read CLOCK_MONOTONIC on Linux, so they agree to well within a millisecond.
  MonotonicClock clock;
  const double steady =
      std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(clock.now(), steady, 1e-3);
}

}  // namespace
}  // namespace aio
