// The Selector contract (aio/selector.h) with CPython's `selectors` semantics, one test body
// run on EpollSelector, PollSelector and SelectSelector: argument errors and their exact
// texts, readiness, event mapping, modify/unregister, size, close, and the order of results.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "aio/errors.h"
#include "selector_fixture.h"

namespace aio::testing {
namespace {

template <class S>
using SelectorContractTest = SelectorTest<S>;
TYPED_TEST_SUITE(SelectorContractTest, RealSelectors, RealSelectorNames);

constexpr std::uint32_t kBoth = EVENT_READ | EVENT_WRITE;

TYPED_TEST(SelectorContractTest, NameIsPythonClassName) {
  const std::string expected = RealSelectorNames::GetName<TypeParam>(0) + "Selector";
  EXPECT_EQ(this->selector().name(), expected);
}

TYPED_TEST(SelectorContractTest, NegativeFdIsValueErrorWithCPythonText_IO04) {
  auto& sel = this->selector();
  EXPECT_EQ(thrown_message<ValueError>([&] { sel.register_fd(-1, EVENT_READ); }),
            "Invalid file descriptor: -1");
  EXPECT_EQ(thrown_message<ValueError>([&] { sel.modify(-1, EVENT_READ); }),
            "Invalid file descriptor: -1");
  EXPECT_EQ(thrown_message<ValueError>([&] { sel.unregister(-1); }), "Invalid file descriptor: -1");
  EXPECT_EQ(sel.size(), 0u);
}

TYPED_TEST(SelectorContractTest, ZeroOrUnknownEventsAreValueError) {
  auto& sel = this->selector();
  FdPair p = make_pipe(this->os_);
  const int r = p.a.get();
  EXPECT_EQ(thrown_message<ValueError>([&] { sel.register_fd(r, 0); }), "Invalid events: 0");
  EXPECT_EQ(thrown_message<ValueError>([&] { sel.register_fd(r, 4); }), "Invalid events: 4");
  EXPECT_EQ(thrown_message<ValueError>([&] { sel.register_fd(r, 7); }), "Invalid events: 7");
  // As selectors.register: the events are checked before the fd.
  EXPECT_EQ(thrown_message<ValueError>([&] { sel.register_fd(-1, 0); }), "Invalid events: 0");
  EXPECT_EQ(sel.size(), 0u);

  sel.register_fd(r, EVENT_READ);
  EXPECT_EQ(thrown_message<ValueError>([&] { sel.modify(r, 0); }), "Invalid events: 0");
  EXPECT_EQ(thrown_message<ValueError>([&] { sel.modify(r, 8); }), "Invalid events: 8");
  // The failed modify left the registration as it was.
  EXPECT_EQ(sel.size(), 1u);
  ASSERT_TRUE(write_text(this->os_, p.b.get(), "x").ok());
  EXPECT_EQ(this->select(0), (std::vector<SelectorEvent>{{r, EVENT_READ}}));
}

TYPED_TEST(SelectorContractTest, RegisteringTwiceIsKeyErrorWithCPythonText) {
  auto& sel = this->selector();
  FdPair p = make_pipe(this->os_);
  const int r = p.a.get();
  sel.register_fd(r, EVENT_READ);
  const std::string n = std::to_string(r);
  EXPECT_EQ(thrown_message<KeyError>([&] { sel.register_fd(r, EVENT_WRITE); }),
            n + " (FD " + n + ") is already registered");
  EXPECT_EQ(sel.size(), 1u);
}

TYPED_TEST(SelectorContractTest, ModifyOrUnregisterOfUnknownFdIsKeyError) {
  auto& sel = this->selector();
  FdPair p = make_pipe(this->os_);
  const int w = p.b.get();
  const std::string expected = std::to_string(w) + " is not registered";
  EXPECT_EQ(thrown_message<KeyError>([&] { sel.modify(w, EVENT_WRITE); }), expected);
  EXPECT_EQ(thrown_message<KeyError>([&] { sel.unregister(w); }), expected);
  sel.register_fd(w, EVENT_WRITE);
  sel.unregister(w);
  EXPECT_EQ(thrown_message<KeyError>([&] { sel.unregister(w); }), expected);
}

TYPED_TEST(SelectorContractTest, EmptySelectorPollsNothing) {
  EXPECT_TRUE(this->select(0).empty());
  EXPECT_TRUE(this->select(-1.0).empty());
  EXPECT_EQ(this->selector().size(), 0u);
}

TYPED_TEST(SelectorContractTest, PipeReadEndIsReadableOnlyWithData) {
  auto& sel = this->selector();
  FdPair p = make_pipe(this->os_);
  const int r = p.a.get();
  sel.register_fd(r, EVENT_READ);
  EXPECT_TRUE(this->select(0).empty());
  ASSERT_TRUE(write_text(this->os_, p.b.get(), "hello").ok());
  EXPECT_EQ(this->select(0), (std::vector<SelectorEvent>{{r, EVENT_READ}}));
}

TYPED_TEST(SelectorContractTest, PipeWriteEndIsWritable) {
  auto& sel = this->selector();
  FdPair p = make_pipe(this->os_);
  sel.register_fd(p.b.get(), EVENT_WRITE);
  EXPECT_EQ(this->select(0), (std::vector<SelectorEvent>{{p.b.get(), EVENT_WRITE}}));
}

TYPED_TEST(SelectorContractTest, ReportsOnlyRegisteredEvents) {
  auto& sel = this->selector();
  FdPair s = make_socketpair(this->os_);
  const int a = s.a.get();
  sel.register_fd(a, EVENT_READ);
  EXPECT_TRUE(this->select(0).empty()) << "writable, but only READ is registered";
  sel.modify(a, kBoth);
  EXPECT_EQ(this->select(0), (std::vector<SelectorEvent>{{a, EVENT_WRITE}}));
  ASSERT_TRUE(write_text(this->os_, s.b.get(), "x").ok());
  EXPECT_EQ(this->select(0), (std::vector<SelectorEvent>{{a, kBoth}}));
}

TYPED_TEST(SelectorContractTest, ReadinessIsLevelTriggered_ORD19) {
  auto& sel = this->selector();
  FdPair p = make_pipe(this->os_);
  sel.register_fd(p.a.get(), EVENT_READ);
  ASSERT_TRUE(write_text(this->os_, p.b.get(), "unread").ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(this->select(0), (std::vector<SelectorEvent>{{p.a.get(), EVENT_READ}})) << i;
  }
}

// What CPython 3.11.2 reports when the other side of a pipe or socket is gone (checked with
// /usr/bin/python3): HUP and ERR count as both READ and WRITE for epoll and poll, masked by
// the registration; select(2) only sees the read end of a hung-up pipe as readable.
TYPED_TEST(SelectorContractTest, HangUpMapsToRegisteredEventsAsCPython) {
  auto& sel = this->selector();
  const bool select2 = std::is_same_v<TypeParam, SelectSelector>;
  struct Case {
    const char* what;
    bool socket;
    bool watch_a;          // watch end a (pipe read end) and close b, or the other way round
    std::uint32_t events;  // registered
    std::uint32_t expected;
  };
  const Case cases[] = {
      {"pipe read end, writer closed, R", false, true, EVENT_READ, EVENT_READ},
      {"pipe read end, writer closed, RW", false, true, kBoth, select2 ? EVENT_READ : kBoth},
      {"pipe write end, reader closed, R", false, false, EVENT_READ, EVENT_READ},
      {"pipe write end, reader closed, RW", false, false, kBoth, kBoth},
      {"socket, peer closed, RW", true, true, kBoth, kBoth},
  };
  for (const Case& c : cases) {
    FdPair p = c.socket ? make_socketpair(this->os_) : make_pipe(this->os_);
    UniqueFd& watched = c.watch_a ? p.a : p.b;
    UniqueFd& other = c.watch_a ? p.b : p.a;
    sel.register_fd(watched.get(), c.events);
    other.reset();
    EXPECT_EQ(this->select(0), (std::vector<SelectorEvent>{{watched.get(), c.expected}})) << c.what;
    sel.unregister(watched.get());
  }
}

TYPED_TEST(SelectorContractTest, ModifyChangesTheWatchedEvents) {
  auto& sel = this->selector();
  FdPair s = make_socketpair(this->os_);
  const int a = s.a.get();
  sel.register_fd(a, EVENT_READ);
  EXPECT_TRUE(this->select(0).empty());
  sel.modify(a, EVENT_WRITE);
  EXPECT_EQ(this->select(0), (std::vector<SelectorEvent>{{a, EVENT_WRITE}}));
  sel.modify(a, EVENT_WRITE);  // same events: nothing to do
  EXPECT_EQ(this->select(0), (std::vector<SelectorEvent>{{a, EVENT_WRITE}}));
  sel.modify(a, EVENT_READ);
  EXPECT_TRUE(this->select(0).empty());
  EXPECT_EQ(sel.size(), 1u);
}

TYPED_TEST(SelectorContractTest, UnregisterStopsReportsAndAllowsRegisteringAgain) {
  auto& sel = this->selector();
  FdPair p = make_pipe(this->os_);
  const int r = p.a.get();
  ASSERT_TRUE(write_text(this->os_, p.b.get(), "x").ok());
  sel.register_fd(r, EVENT_READ);
  EXPECT_EQ(this->select(0).size(), 1u);
  sel.unregister(r);
  EXPECT_EQ(sel.size(), 0u);
  EXPECT_TRUE(this->select(0).empty());
  sel.register_fd(r, EVENT_READ);
  EXPECT_EQ(this->select(0), (std::vector<SelectorEvent>{{r, EVENT_READ}}));
}

TYPED_TEST(SelectorContractTest, UnregisterOfAnFdClosedMeanwhileForgetsIt) {
  auto& sel = this->selector();
  FdPair p = make_pipe(this->os_);
  const int r = p.a.get();
  sel.register_fd(r, EVENT_READ);
  p.a.reset();
  EXPECT_NO_THROW(sel.unregister(r));
  EXPECT_EQ(sel.size(), 0u);
  // The number is free for a new fd, which registers as new.
  FdPair q = make_pipe(this->os_);
  EXPECT_EQ(q.a.get(), r);
  sel.register_fd(q.a.get(), EVENT_READ);
  EXPECT_EQ(sel.size(), 1u);
}

TYPED_TEST(SelectorContractTest, SizeCountsRegisteredFdsOnly) {
  auto& sel = this->selector();
  EXPECT_EQ(sel.size(), 0u) << "the wake-up fd is not counted";
  FdPair p = make_pipe(this->os_);
  sel.register_fd(p.a.get(), EVENT_READ);
  sel.register_fd(p.b.get(), EVENT_WRITE);
  sel.wakeup();
  EXPECT_EQ(sel.size(), 2u);
  sel.unregister(p.a.get());
  EXPECT_EQ(sel.size(), 1u);
}

TYPED_TEST(SelectorContractTest, SelectReplacesTheOutputVector) {
  auto& sel = this->selector();
  std::vector<SelectorEvent> ready{{99, EVENT_READ}, {98, EVENT_WRITE}};
  sel.select(0, ready);
  EXPECT_TRUE(ready.empty());
}

TYPED_TEST(SelectorContractTest, AllReadyFdsAreReportedAlongsideAWakeup) {
  auto& sel = this->selector();
  std::vector<FdPair> pipes;
  std::vector<SelectorEvent> expected;
  for (int i = 0; i < 3; ++i) {
    pipes.push_back(make_pipe(this->os_));
    sel.register_fd(pipes.back().a.get(), EVENT_READ);
    ASSERT_TRUE(write_text(this->os_, pipes.back().b.get(), "x").ok());
    expected.push_back({pipes.back().a.get(), EVENT_READ});
  }
  sel.wakeup();
  std::vector<SelectorEvent> got = this->select(0);
  std::sort(got.begin(), got.end(), [](auto& x, auto& y) { return x.fd < y.fd; });
  EXPECT_EQ(got, expected);
}

// ORD-18: the loop runs I/O callbacks in the order select() returns fds, which each backend
// defines: epoll in readiness order, poll in its array (registration) order, select(2) by
// ascending fd. The same order comes back on the next call.
TYPED_TEST(SelectorContractTest, ResultOrderIsTheBackendsOrder_ORD18) {
  auto& sel = this->selector();
  std::vector<FdPair> pairs;
  for (int i = 0; i < 4; ++i) pairs.push_back(make_socketpair(this->os_));
  auto fd = [&](int i) { return pairs[static_cast<std::size_t>(i)].a.get(); };
  const std::vector<int> registration = {3, 1, 0, 2};
  const std::vector<int> readiness = {2, 0, 3, 1};
  for (int i : registration) sel.register_fd(fd(i), EVENT_READ);
  for (int i : readiness) {
    ASSERT_TRUE(write_text(this->os_, pairs[static_cast<std::size_t>(i)].b.get(), "x").ok());
  }
  std::vector<int> order;
  if constexpr (std::is_same_v<TypeParam, EpollSelector>) {
    order = readiness;
  } else if constexpr (std::is_same_v<TypeParam, PollSelector>) {
    order = registration;
  } else {
    order = {0, 1, 2, 3};  // socketpair() handed out ascending fds
  }
  std::vector<SelectorEvent> expected;
  for (int i : order) expected.push_back({fd(i), EVENT_READ});
  EXPECT_EQ(this->select(0), expected);
  EXPECT_EQ(this->select(0), expected);
}

TYPED_TEST(SelectorContractTest, NanTimeoutIsValueErrorWithCPythonText) {
  const std::string expected = std::is_same_v<TypeParam, SelectSelector>
                                   ? "Invalid value NaN (not a number)"
                                   : "cannot convert float NaN to integer";
  EXPECT_EQ(
      thrown_message<ValueError>([&] { this->select(std::numeric_limits<double>::quiet_NaN()); }),
      expected);
}

TYPED_TEST(SelectorContractTest, CloseIsIdempotentReleasesFdsAndRefusesFurtherUse) {
  auto& sel = this->selector();
  FdPair p = make_pipe(this->os_);
  sel.register_fd(p.a.get(), EVENT_READ);
  sel.close();
  EXPECT_EQ(this->os_.open_fd_count(), this->fds_at_start() + 2) << "only the pipe is left";
  sel.close();
  EXPECT_EQ(sel.size(), 0u);
  EXPECT_NO_THROW(sel.wakeup());
  const std::string closed = std::string(sel.name()) + " is closed";
  std::vector<SelectorEvent> ready;
  EXPECT_EQ(thrown_message<RuntimeError>([&] { sel.register_fd(p.b.get(), EVENT_WRITE); }), closed);
  EXPECT_EQ(thrown_message<RuntimeError>([&] { sel.modify(p.a.get(), EVENT_WRITE); }), closed);
  EXPECT_EQ(thrown_message<RuntimeError>([&] { sel.unregister(p.a.get()); }), closed);
  EXPECT_EQ(thrown_message<RuntimeError>([&] { sel.select(0, ready); }), closed);
}

}  // namespace
}  // namespace aio::testing
