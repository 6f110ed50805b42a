// SimSelector without time: CPython's error texts, masking, ready-list order (ORD-18),
// level triggering (ORD-19), stale registrations of closed fds, wakeup and close.
#include "aio/sim/sim_selector.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "aio/errors.h"
#include "sim_test_support.h"

namespace aio::sim {
namespace {

using testing::read_text;
using testing::write_text;

class SimSelectorTest : public testing::WorldTest {
 protected:
  std::vector<SelectorEvent> poll() {
    std::vector<SelectorEvent> ready;
    selector.select(0.0, ready);
    return ready;
  }
  template <class Error>
  std::string error_text(auto&& call) {
    try {
      call();
    } catch (const Error& e) {
      return e.what();
    }
    return "no exception";
  }
  SimSelector selector{world};
};

constexpr std::uint32_t R = EVENT_READ;
constexpr std::uint32_t W = EVENT_WRITE;

TEST_F(SimSelectorTest, NameAndEmptySize) {
  EXPECT_EQ(selector.name(), "SimSelector");
  EXPECT_EQ(selector.size(), 0u);
}

TEST_F(SimSelectorTest, RegisterErrorsMatchCPython) {
  const auto [r, w] = world.os().pipe();
  const int fd = r;  // clang 14 cannot capture structured bindings
  EXPECT_EQ(error_text<ValueError>([&] { selector.register_fd(-1, R); }),
            "Invalid file descriptor: -1");
  EXPECT_EQ(error_text<ValueError>([&] { selector.register_fd(fd, 0); }), "Invalid events: 0");
  EXPECT_EQ(error_text<ValueError>([&] { selector.register_fd(fd, 4); }), "Invalid events: 4");
  EXPECT_EQ(error_text<ValueError>([&] { selector.register_fd(-1, 0); }), "Invalid events: 0");
  selector.register_fd(r, R);
  EXPECT_EQ(error_text<KeyError>([&] { selector.register_fd(fd, W); }),
            "3 (FD 3) is already registered");
  EXPECT_EQ(error_text<OSError>([&] { selector.register_fd(42, R); }),
            "[Errno 9] Bad file descriptor");
  EXPECT_EQ(selector.size(), 1u);
  EXPECT_EQ(selector.registered_events(r), R);
  selector.unregister(r);
  world.os().close(r);
  world.os().close(w);
}

TEST_F(SimSelectorTest, ModifyAndUnregisterErrorsMatchCPython) {
  const auto [r, w] = world.os().pipe();
  const int fd = r;  // clang 14 cannot capture structured bindings
  EXPECT_EQ(error_text<KeyError>([&] { selector.modify(fd, R); }), "3 is not registered");
  EXPECT_EQ(error_text<KeyError>([&] { selector.unregister(99); }), "99 is not registered");
  EXPECT_EQ(error_text<ValueError>([&] { selector.modify(-1, R); }), "Invalid file descriptor: -1");
  EXPECT_EQ(error_text<ValueError>([&] { selector.unregister(-1); }),
            "Invalid file descriptor: -1");
  selector.register_fd(r, R);
  EXPECT_EQ(error_text<ValueError>([&] { selector.modify(fd, 0); }), "Invalid events: 0");
  EXPECT_EQ(selector.registered_events(r), R);  // a failed modify changes nothing
  selector.modify(r, R | W);
  EXPECT_EQ(selector.registered_events(r), R | W);
  selector.unregister(r);
  EXPECT_EQ(selector.size(), 0u);
  world.os().close(r);
  world.os().close(w);
}

TEST_F(SimSelectorTest, ReportsOnlyRegisteredEvents) {
  auto [a, b] = world.os().socketpair();
  selector.register_fd(a, R);
  EXPECT_TRUE(poll().empty());  // writable, but only read is registered
  selector.modify(a, R | W);
  EXPECT_EQ(poll(), (std::vector<SelectorEvent>{{a, W}}));
  write_text(world.os(), b, "x");
  EXPECT_EQ(poll(), (std::vector<SelectorEvent>{{a, R | W}}));
  selector.unregister(a);
  world.os().close(a);
  world.os().close(b);
}

TEST_F(SimSelectorTest, LevelTriggeredWhileDataStaysUnread_ORD19) {
  auto [r, w] = world.os().pipe();
  selector.register_fd(r, R);
  write_text(world.os(), w, "data");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(poll(), (std::vector<SelectorEvent>{{r, R}}));
  read_text(world.os(), r, 100);
  EXPECT_TRUE(poll().empty());
  selector.close();
  world.os().close(r);
  world.os().close(w);
}

// ORD-18: data arriving on fds in the order 2, 0, 3, 1 is reported in that order, and again
// in the same order on the next select while it stays unread.
TEST_F(SimSelectorTest, ReadyOrderIsArrivalOrderAndStable_ORD18) {
  std::vector<std::pair<int, int>> pipes;
  for (int i = 0; i < 4; ++i) pipes.push_back(world.os().pipe());
  for (auto [r, w] : pipes) selector.register_fd(r, R);
  for (int i : {2, 0, 3, 1}) write_text(world.os(), pipes[static_cast<std::size_t>(i)].second, "x");
  const std::vector<SelectorEvent> expected{
      {pipes[2].first, R}, {pipes[0].first, R}, {pipes[3].first, R}, {pipes[1].first, R}};
  EXPECT_EQ(poll(), expected);
  EXPECT_EQ(poll(), expected);
  // More data on an fd that is already ready does not move it.
  write_text(world.os(), pipes[2].second, "y");
  EXPECT_EQ(poll(), expected);
  // Draining one and refilling it sends it to the back.
  read_text(world.os(), pipes[0].first, 100);
  write_text(world.os(), pipes[0].second, "z");
  EXPECT_EQ(
      poll(),
      (std::vector<SelectorEvent>{
          {pipes[2].first, R}, {pipes[3].first, R}, {pipes[1].first, R}, {pipes[0].first, R}}));
  for (auto [r, w] : pipes) {
    selector.unregister(r);
    world.os().close(r);
    world.os().close(w);
  }
}

TEST_F(SimSelectorTest, RegisteringAReadyFdQueuesItLast) {
  auto [r1, w1] = world.os().pipe();
  auto [r2, w2] = world.os().pipe();
  write_text(world.os(), w1, "first data");
  selector.register_fd(r2, R);
  write_text(world.os(), w2, "second data");
  selector.register_fd(r1, R);  // ready before r2, but registered after r2 became ready
  EXPECT_EQ(poll(), (std::vector<SelectorEvent>{{r2, R}, {r1, R}}));
  selector.close();
  for (int fd : {r1, w1, r2, w2}) world.os().close(fd);
}

TEST_F(SimSelectorTest, ModifyKeepsPlaceOfEventsStillRegistered) {
  auto [a, b] = world.os().socketpair();
  auto [r, w] = world.os().pipe();
  selector.register_fd(a, R);
  selector.register_fd(r, R);
  write_text(world.os(), b, "1");
  write_text(world.os(), w, "2");
  EXPECT_EQ(poll(), (std::vector<SelectorEvent>{{a, R}, {r, R}}));
  selector.modify(a, R | W);  // as add_writer() on an fd with a reader
  EXPECT_EQ(poll(), (std::vector<SelectorEvent>{{a, R | W}, {r, R}}));
  selector.modify(a, W);  // read dropped: only the newly stamped write readiness remains
  EXPECT_EQ(poll(), (std::vector<SelectorEvent>{{r, R}, {a, W}}));
  selector.close();
  for (int fd : {a, b, r, w}) world.os().close(fd);
}

TEST_F(SimSelectorTest, ClosedFdIsNoLongerReportedAndUnregisterIsFine) {
  auto [r, w] = world.os().pipe();
  selector.register_fd(r, R);
  write_text(world.os(), w, "x");
  world.os().close(r);
  EXPECT_TRUE(poll().empty());
  EXPECT_EQ(selector.size(), 1u);  // as CPython: still in the map until unregistered
  selector.unregister(r);
  EXPECT_EQ(selector.size(), 0u);
  world.os().close(w);
}

TEST_F(SimSelectorTest, ReusedFdNumberCanBeRegisteredAgain) {
  auto [r, w] = world.os().pipe();
  selector.register_fd(r, R);
  world.os().close(r);
  world.os().close(w);
  auto [r2, w2] = world.os().pipe();
  ASSERT_EQ(r2, r);
  EXPECT_TRUE(poll().empty());  // the old registration does not see the new pipe
  selector.register_fd(r2, R);  // replaces the stale registration
  EXPECT_EQ(selector.size(), 1u);
  write_text(world.os(), w2, "new");
  EXPECT_EQ(poll(), (std::vector<SelectorEvent>{{r2, R}}));
  selector.unregister(r2);
  world.os().close(r2);
  world.os().close(w2);
}

TEST_F(SimSelectorTest, ModifyOfClosedFdIsEbadfAndDropsIt) {
  const auto [r, w] = world.os().pipe();
  const int fd = r;  // clang 14 cannot capture structured bindings
  selector.register_fd(r, R);
  world.os().close(r);
  EXPECT_EQ(error_text<OSError>([&] { selector.modify(fd, R | W); }),
            "[Errno 9] Bad file descriptor");
  EXPECT_EQ(selector.size(), 0u);
  world.os().close(w);
}

TEST_F(SimSelectorTest, PeerCloseMakesWriteEndReadableAndWritable) {
  auto [r, w] = world.os().pipe();
  write_text(world.os(), w, std::string(SimOs::PIPE_CAPACITY, 'x'));
  selector.register_fd(w, R);  // asyncio's write pipe transport watches for the reader closing
  EXPECT_TRUE(poll().empty());
  world.os().close(r);
  EXPECT_EQ(poll(), (std::vector<SelectorEvent>{{w, R}}));
  selector.modify(w, R | W);
  EXPECT_EQ(poll(), (std::vector<SelectorEvent>{{w, R | W}}));
  selector.unregister(w);
  world.os().close(w);
}

TEST_F(SimSelectorTest, WakeupIsConsumedOnce) {
  std::vector<SelectorEvent> ready{{7, R}};
  selector.wakeup();
  selector.wakeup();
  selector.select(std::nullopt, ready);  // would deadlock without the wake-up
  EXPECT_TRUE(ready.empty());
  EXPECT_EQ(world.now(), 0.0);
  selector.select(5.0, ready);  // the wake-up was consumed: this one waits
  EXPECT_EQ(world.now(), 5.0);
}

TEST_F(SimSelectorTest, CloseIsIdempotentAndDropsRegistrations) {
  auto [r, w] = world.os().pipe();
  selector.register_fd(r, R);
  selector.register_fd(w, W);
  EXPECT_EQ(selector.size(), 2u);
  selector.close();
  selector.close();
  EXPECT_TRUE(selector.closed());
  EXPECT_EQ(selector.size(), 0u);
  EXPECT_THROW(selector.register_fd(r, R), RuntimeError);
  std::vector<SelectorEvent> ready;
  EXPECT_THROW(selector.select(0.0, ready), RuntimeError);
  EXPECT_THROW(selector.unregister(r), KeyError);
  world.os().close(r);
  world.os().close(w);
}

TEST_F(SimSelectorTest, SelectorsOfOneWorldAreIndependent) {
  SimSelector other(world, "select#2");
  auto [r, w] = world.os().pipe();
  selector.register_fd(r, R);
  other.register_fd(w, W);
  EXPECT_TRUE(poll().empty());
  std::vector<SelectorEvent> ready;
  other.select(0.0, ready);
  EXPECT_EQ(ready, (std::vector<SelectorEvent>{{w, W}}));
  selector.close();
  other.close();
  world.os().close(r);
  world.os().close(w);
}

}  // namespace
}  // namespace aio::sim
