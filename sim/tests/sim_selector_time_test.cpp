// SimSelector and virtual time: time moves only inside select() when nothing is ready, jumps
// to world events or the deadline, and a wait nothing can end throws Deadlock.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "aio/errors.h"
#include "aio/sim/deadlock.h"
#include "aio/sim/sim_selector.h"
#include "sim_test_support.h"

namespace aio::sim {
namespace {

using testing::read_text;
using testing::write_text;

constexpr std::uint32_t R = EVENT_READ;
constexpr std::uint32_t W = EVENT_WRITE;

class SimSelectorTimeTest : public testing::WorldTest {
 protected:
  std::vector<SelectorEvent> select(std::optional<double> timeout) {
    std::vector<SelectorEvent> ready;
    selector.select(timeout, ready);
    return ready;
  }
  SimSelector selector{world};
};

TEST_F(SimSelectorTimeTest, SelectNeverMovesTimeWhenSomethingIsReady) {
  auto [r, w] = world.os().pipe();
  selector.register_fd(w, W);
  world.call_at(1.0, [] {});
  EXPECT_EQ(select(10.0), (std::vector<SelectorEvent>{{w, W}}));
  EXPECT_EQ(select(std::nullopt), (std::vector<SelectorEvent>{{w, W}}));
  EXPECT_EQ(world.now(), 0.0);
  EXPECT_EQ(world.pending_events(), 1u);  // world events wait for a select that waits
  selector.close();
  world.os().close(r);
  world.os().close(w);
}

TEST_F(SimSelectorTimeTest, SelectWithNothingReadyMovesClockExactlyByTimeout) {
  auto [r, w] = world.os().pipe();
  selector.register_fd(r, R);
  EXPECT_TRUE(select(5.0).empty());
  EXPECT_EQ(world.now(), 5.0);
  EXPECT_TRUE(select(0.5).empty());
  EXPECT_EQ(world.now(), 5.5);
  selector.close();
  world.os().close(r);
  world.os().close(w);
}

TEST_F(SimSelectorTimeTest, PollNeverMovesTime) {
  world.call_at(0.0, [] {});
  EXPECT_TRUE(select(0.0).empty());
  EXPECT_TRUE(select(-1.0).empty());
  EXPECT_EQ(world.now(), 0.0);
  EXPECT_EQ(world.pending_events(), 1u);
  EXPECT_TRUE(world.trace_lines().empty());  // empty polls are not traced
}

TEST_F(SimSelectorTimeTest, WorldEventMakesPipeReadableAtItsTime) {
  auto [r, w] = world.os().pipe();
  selector.register_fd(r, R);
  Os& os = world.os();
  const int writer = w;
  world.call_at(
      2.0, [&os, writer] { write_text(os, writer, "hi"); }, "peer writes");
  EXPECT_EQ(select(std::nullopt), (std::vector<SelectorEvent>{{r, R}}));
  EXPECT_EQ(world.now(), 2.0);
  EXPECT_EQ(read_text(os, r, 10), "hi");
  EXPECT_EQ(world.trace_lines(),
            (std::vector<std::string>{"t=2.000000000 event peer writes",
                                      "t=2.000000000 select timeout=none -> [3:r]"}));
  selector.close();
  os.close(r);
  os.close(w);
}

TEST_F(SimSelectorTimeTest, EventsThatMakeNothingReadyAreSkippedThrough) {
  std::vector<double> ran;
  world.call_at(1.0, [&] { ran.push_back(world.now()); });
  world.call_at(3.0, [&] { ran.push_back(world.now()); });
  world.call_at(7.0, [&] { ran.push_back(world.now()); });
  EXPECT_TRUE(select(4.0).empty());
  EXPECT_EQ(ran, (std::vector<double>{1.0, 3.0}));
  EXPECT_EQ(world.now(), 4.0);
  EXPECT_EQ(world.pending_events(), 1u);
  EXPECT_TRUE(select(3.0).empty());  // an event exactly at the deadline runs
  EXPECT_EQ(ran, (std::vector<double>{1.0, 3.0, 7.0}));
  EXPECT_EQ(world.now(), 7.0);
}

TEST_F(SimSelectorTimeTest, EventsRunInTimeThenInsertionOrder) {
  std::string order;
  world.call_at(2.0, [&] { order += 'c'; });
  world.call_at(1.0, [&] { order += 'a'; });
  world.call_at(2.0, [&] { order += 'd'; });
  world.call_at(1.0, [&] { order += 'b'; });
  world.call_at(1.0, [&] { world.call_later(0.0, [&] { order += 'n'; }); });
  select(10.0);
  EXPECT_EQ(order, "abncd");
}

TEST_F(SimSelectorTimeTest, PastEventRunsAtNextWaitWithoutMovingTimeBack) {
  world.advance(10.0);
  double ran_at = -1;
  world.call_at(3.0, [&] { ran_at = world.now(); });
  select(0.0);
  EXPECT_EQ(ran_at, -1);
  select(1.0);
  EXPECT_EQ(ran_at, 10.0);
  EXPECT_EQ(world.now(), 11.0);
}

TEST_F(SimSelectorTimeTest, WakeupFromAWorldEventEndsTheWait) {
  world.call_at(4.0, [this] { selector.wakeup(); });
  EXPECT_TRUE(select(std::nullopt).empty());
  EXPECT_EQ(world.now(), 4.0);
  EXPECT_EQ(world.trace_lines().back(), "t=4.000000000 select timeout=none -> [] woken");
}

TEST_F(SimSelectorTimeTest, AdvanceSimulatesABlockingCallback) {
  world.advance(0.25);
  EXPECT_EQ(world.now(), 0.25);
  EXPECT_THROW(world.advance(-1.0), ValueError);
  EXPECT_THROW(world.advance(std::nan("")), ValueError);
  select(1.0);
  EXPECT_EQ(world.now(), 1.25);
}

TEST_F(SimSelectorTimeTest, InfiniteTimeoutIsWaitForever) {
  world.call_at(3.0, [this] { selector.wakeup(); });
  EXPECT_TRUE(select(std::numeric_limits<double>::infinity()).empty());
  EXPECT_EQ(world.now(), 3.0);
  EXPECT_THROW(select(std::numeric_limits<double>::infinity()), Deadlock);
  EXPECT_EQ(world.now(), 3.0);
}

TEST_F(SimSelectorTimeTest, DeadlockNamesTimeAndRegisteredFds) {
  auto [r, w] = world.os().pipe();        // 3, 4
  auto [a, b] = world.os().socketpair();  // 5, 6
  selector.register_fd(r, R);
  selector.register_fd(a, R | W);
  write_text(world.os(), a, std::string(SimOs::PIPE_CAPACITY, 'x'));  // a no longer writable
  world.call_at(12.5, [] {});
  try {
    select(std::nullopt);
    FAIL() << "no Deadlock";
  } catch (const Deadlock& e) {
    EXPECT_STREQ(e.what(),
                 "deadlock at t=12.500000000: select() with no timeout, nothing ready, no "
                 "pending world events (registered fds: 3 r, 5 rw)");
    EXPECT_STREQ(e.type_name(), "Deadlock");
  }
  EXPECT_EQ(world.now(), 12.5);
  selector.close();
  for (int fd : {r, w, a, b}) world.os().close(fd);
}

TEST_F(SimSelectorTimeTest, DeadlockIsARuntimeErrorEvenWithNothingRegistered) {
  EXPECT_THROW(select(std::nullopt), RuntimeError);
  try {
    select(std::numeric_limits<double>::infinity());
    ADD_FAILURE() << "no Deadlock";
  } catch (const Deadlock& e) {
    EXPECT_STREQ(e.what(),
                 "deadlock at t=0.000000000: select() with no timeout, nothing ready, no "
                 "pending world events (registered fds: none)");
  }
}

TEST_F(SimSelectorTimeTest, NanTimeoutIsRejected) {
  EXPECT_THROW(select(std::nan("")), ValueError);
}

TEST_F(SimSelectorTimeTest, SelectTraceIsCompact) {
  auto [r, w] = world.os().pipe();
  selector.register_fd(w, W);
  select(0.0);  // returns [4:w]: traced
  selector.unregister(w);
  select(0.0);  // empty poll: not traced
  select(0.5);  // waits: traced
  EXPECT_EQ(world.trace_lines(),
            (std::vector<std::string>{"t=0.000000000 select timeout=0.000000000 -> [4:w]",
                                      "t=0.500000000 select timeout=0.500000000 -> []"}));
  world.os().close(r);
  world.os().close(w);
}

}  // namespace
}  // namespace aio::sim
