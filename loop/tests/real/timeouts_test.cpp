// The timeout rounding of the real selectors (private header loop/src/real/timeouts.h), pinned
// to what CPython 3.11.2 passes to the kernel (checked with strace on /usr/bin/python3).
#include "timeouts.h"

#include <gtest/gtest.h>

#include <climits>
#include <limits>

#include "aio/errors.h"

namespace aio::real {
namespace {

int epoll_ms(double seconds) {
  return to_milliseconds(epoll_timeout_ns(seconds));
}
int poll_ms(double seconds) {
  return to_milliseconds(poll_timeout_ns(seconds));
}

TEST(TimeoutsTest, NoTimeoutBlocksAndNonPositivePolls) {
  EXPECT_EQ(to_milliseconds(epoll_timeout_ns(std::nullopt)), -1);
  EXPECT_EQ(to_milliseconds(poll_timeout_ns(std::nullopt)), -1);
  EXPECT_EQ(select_timeout_ns(std::nullopt), kBlock);
  for (double t : {0.0, -0.0, -1.0}) {
    EXPECT_EQ(epoll_ms(t), 0);
    EXPECT_EQ(poll_ms(t), 0);
    EXPECT_EQ(select_timeout_ns(t), 0);
  }
}

TEST(TimeoutsTest, EpollRoundsUpTwiceAsCPython) {
  // strace of EpollSelector().select(t): 0.009 -> 10 ms (9 * 1e-3 is 0.009000000000000001),
  // 0.0091 -> 10, 0.02 -> 20, 1e-7 -> 1.
  EXPECT_EQ(epoll_ms(0.009), 10);
  EXPECT_EQ(epoll_ms(0.0091), 10);
  EXPECT_EQ(epoll_ms(0.02), 20);
  EXPECT_EQ(epoll_ms(1e-7), 1);
  EXPECT_EQ(epoll_ms(1.0), 1000);
}

TEST(TimeoutsTest, PollRoundsUpToMilliseconds) {
  // strace of PollSelector().select(t): 0.009 -> 9, 0.0091 -> 10, 0.02 -> 20, 1e-7 -> 1.
  EXPECT_EQ(poll_ms(0.009), 9);
  EXPECT_EQ(poll_ms(0.0091), 10);
  EXPECT_EQ(poll_ms(0.02), 20);
  EXPECT_EQ(poll_ms(1e-7), 1);
}

TEST(TimeoutsTest, SelectRoundsUpToMicroseconds) {
  // strace of SelectSelector().select(t): 0.009 -> 9000000 ns, 0.0091 -> 9100000,
  // 1e-7 -> 1000.
  auto us = [](double t) {
    timeval tv = to_timeval(select_timeout_ns(t));
    return static_cast<long long>(tv.tv_sec) * 1'000'000 + tv.tv_usec;
  };
  EXPECT_EQ(us(0.009), 9000);
  EXPECT_EQ(us(0.0091), 9100);
  EXPECT_EQ(us(1e-7), 1);
  EXPECT_EQ(us(2.5), 2'500'000);
}

TEST(TimeoutsTest, HugeTimeoutsAreClampedToIntMaxMilliseconds) {
  const double inf = std::numeric_limits<double>::infinity();
  for (std::optional<double> t : {std::optional<double>(1e12), std::optional<double>(inf)}) {
    EXPECT_EQ(to_milliseconds(epoll_timeout_ns(t)), INT_MAX);
    EXPECT_EQ(to_milliseconds(poll_timeout_ns(t)), INT_MAX);
    EXPECT_EQ(to_milliseconds(select_timeout_ns(t)), INT_MAX);
  }
  EXPECT_EQ(epoll_ms(1e12), INT_MAX);
}

TEST(TimeoutsTest, InfinityAsAPlainDoubleIsSelectorKBlockAndBlocks) {
  // Selector::select_seconds takes +infinity for "no timeout" (Selector::kBlock).
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(epoll_timeout_ns(inf), kBlock);
  EXPECT_EQ(poll_timeout_ns(inf), kBlock);
  EXPECT_EQ(select_timeout_ns(inf), kBlock);
}

TEST(TimeoutsTest, NanIsValueErrorWithCPythonText) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(epoll_timeout_ns(nan), ValueError);
  EXPECT_THROW(poll_timeout_ns(nan), ValueError);
  try {
    select_timeout_ns(nan);
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "Invalid value NaN (not a number)");
  }
}

TEST(TimeoutsTest, DeadlineCountsDownAndExpires) {
  EXPECT_EQ(Deadline(kBlock).remaining_ns(), std::optional<std::int64_t>(kBlock));
  const std::optional<std::int64_t> left = Deadline(1'000'000'000).remaining_ns();
  ASSERT_TRUE(left);
  EXPECT_GT(*left, 0);
  EXPECT_LE(*left, 1'000'000'000);
  const Deadline past(0);
  const std::int64_t start = monotonic_ns();
  while (monotonic_ns() == start) {
  }
  EXPECT_EQ(past.remaining_ns(), std::nullopt);
}

}  // namespace
}  // namespace aio::real
