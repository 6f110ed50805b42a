// VirtualClock: starts at zero, moves only forward, and only when told.
#include "aio/sim/virtual_clock.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "aio/errors.h"

namespace aio::sim {
namespace {

TEST(VirtualClock, StartsAtZeroWithNanosecondResolution) {
  VirtualClock clock;
  EXPECT_EQ(clock.now(), 0.0);
  EXPECT_EQ(clock.resolution(), 1e-9);
}

TEST(VirtualClock, AdvanceAddsSeconds) {
  VirtualClock clock;
  clock.advance(1.5);
  clock.advance(0.0);
  clock.advance(2.25);
  EXPECT_EQ(clock.now(), 3.75);
}

TEST(VirtualClock, AdvanceRejectsNegativeNanAndInfinity) {
  VirtualClock clock;
  clock.advance(1.0);
  EXPECT_THROW(clock.advance(-0.5), ValueError);
  EXPECT_THROW(clock.advance(std::nan("")), ValueError);
  EXPECT_THROW(clock.advance(std::numeric_limits<double>::infinity()), ValueError);
  EXPECT_EQ(clock.now(), 1.0);
}

TEST(VirtualClock, AdvanceErrorNamesTheValue) {
  VirtualClock clock;
  try {
    clock.advance(-1.0);
    FAIL() << "no exception";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(),
                 "VirtualClock.advance() needs a finite, non-negative number of seconds, got "
                 "-1.000000000");
  }
}

TEST(VirtualClock, SetOnlyMovesForward) {
  VirtualClock clock;
  clock.set(10.0);
  EXPECT_EQ(clock.now(), 10.0);
  clock.set(10.0);  // staying put is allowed
  EXPECT_EQ(clock.now(), 10.0);
  EXPECT_THROW(clock.set(9.999), ValueError);
  EXPECT_THROW(clock.set(std::nan("")), ValueError);
  EXPECT_THROW(clock.set(std::numeric_limits<double>::infinity()), ValueError);
  EXPECT_EQ(clock.now(), 10.0);
}

TEST(VirtualClock, IsAClockSeam) {
  VirtualClock clock;
  const Clock& seam = clock;
  clock.advance(0.25);
  EXPECT_EQ(seam.now(), 0.25);
  EXPECT_EQ(seam.resolution(), 1e-9);
}

}  // namespace
}  // namespace aio::sim
