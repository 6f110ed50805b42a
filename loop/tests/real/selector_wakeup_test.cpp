// The waiting side of the Selector contract, on EpollSelector, PollSelector and SelectSelector:
// timeouts, wakeup() from another thread or before select(), and the retry after a signal
// interrupts the wait (PEP 475). Real time, kept to tens of milliseconds.
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include "selector_fixture.h"

namespace aio::testing {
namespace {

using namespace std::chrono_literals;

template <class S>
using SelectorWakeupTest = SelectorTest<S>;
TYPED_TEST_SUITE(SelectorWakeupTest, RealSelectors, RealSelectorNames);

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Installs a SIGUSR1 handler without SA_RESTART for the life of the object, so that the
// signal interrupts a blocked select with EINTR.
class Sigusr1Handler {
 public:
  Sigusr1Handler() {
    struct sigaction action {};
    action.sa_handler = [](int) { caught_ = true; };
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    ::sigaction(SIGUSR1, &action, &previous_);
    caught_ = false;
  }
  ~Sigusr1Handler() { ::sigaction(SIGUSR1, &previous_, nullptr); }
  static bool caught() { return caught_; }

 private:
  struct sigaction previous_ {};
  static inline std::atomic<bool> caught_{false};
};

TYPED_TEST(SelectorWakeupTest, TimeoutWithNothingReadyWaitsAtLeastThatLong) {
  FdPair p = make_pipe(this->os_);
  this->selector().register_fd(p.a.get(), EVENT_READ);
  Stopwatch watch;
  EXPECT_TRUE(this->select(0.02).empty());
  EXPECT_GE(watch.elapsed(), 0.0195);
  EXPECT_LT(watch.elapsed(), 0.2);
}

TYPED_TEST(SelectorWakeupTest, ZeroOrNegativeTimeoutPolls) {
  FdPair p = make_pipe(this->os_);
  this->selector().register_fd(p.a.get(), EVENT_READ);
  Stopwatch watch;
  EXPECT_TRUE(this->select(0).empty());
  EXPECT_TRUE(this->select(-5.0).empty());
  EXPECT_LT(watch.elapsed(), 0.05);
}

TYPED_TEST(SelectorWakeupTest, WakeupFromAnotherThreadUnblocksSelect_THR01) {
  auto& sel = this->selector();
  FdPair p = make_pipe(this->os_);
  sel.register_fd(p.a.get(), EVENT_READ);
  std::atomic<std::int64_t> woken_at{0};
  std::thread waker([&] {
    std::this_thread::sleep_for(20ms);
    woken_at = steady_ns();
    sel.wakeup();
  });
  Stopwatch watch;
  std::vector<SelectorEvent> ready = this->select(std::nullopt);
  const std::int64_t returned_at = steady_ns();
  waker.join();
  EXPECT_TRUE(ready.empty()) << "the wake-up fd is never reported";
  EXPECT_GE(watch.elapsed(), 0.015) << "select returned before wakeup()";
  EXPECT_LT(returned_at - woken_at.load(), std::int64_t{50'000'000}) << "slow to wake";
}

TYPED_TEST(SelectorWakeupTest, WakeupBeforeSelectMakesTheNextSelectReturnOnce) {
  auto& sel = this->selector();
  sel.wakeup();
  sel.wakeup();
  sel.wakeup();
  Stopwatch first;
  EXPECT_TRUE(this->select(5.0).empty());
  EXPECT_LT(first.elapsed(), 1.0);
  // The wake-ups were consumed together: the next select waits for its timeout.
  Stopwatch second;
  EXPECT_TRUE(this->select(0.01).empty());
  EXPECT_GE(second.elapsed(), 0.0095);
}

TYPED_TEST(SelectorWakeupTest, WakeupWithAReadyFdReportsOnlyTheFd) {
  auto& sel = this->selector();
  FdPair p = make_pipe(this->os_);
  sel.register_fd(p.a.get(), EVENT_READ);
  ASSERT_TRUE(write_text(this->os_, p.b.get(), "x").ok());
  sel.wakeup();
  EXPECT_EQ(this->select(std::nullopt), (std::vector<SelectorEvent>{{p.a.get(), EVENT_READ}}));
  EXPECT_EQ(this->select(0), (std::vector<SelectorEvent>{{p.a.get(), EVENT_READ}}));
}

// PEP 475: a signal that interrupts the wait does not end it early; the wait goes on for what
// is left of the timeout.
TYPED_TEST(SelectorWakeupTest, SignalDuringTimedSelectRetriesForTheRemainingTime_PEP475) {
  Sigusr1Handler handler;
  const pthread_t selecting = ::pthread_self();
  std::thread signaller([&] {
    std::this_thread::sleep_for(15ms);
    ::pthread_kill(selecting, SIGUSR1);
  });
  Stopwatch watch;
  std::vector<SelectorEvent> ready = this->select(0.06);
  const double elapsed = watch.elapsed();
  signaller.join();
  EXPECT_TRUE(Sigusr1Handler::caught());
  EXPECT_TRUE(ready.empty());
  EXPECT_GE(elapsed, 0.0595);
  EXPECT_LT(elapsed, 0.5);
}

TYPED_TEST(SelectorWakeupTest, SignalDuringBlockingSelectKeepsBlockingUntilWakeup_PEP475) {
  auto& sel = this->selector();
  Sigusr1Handler handler;
  const pthread_t selecting = ::pthread_self();
  std::thread signaller([&] {
    std::this_thread::sleep_for(10ms);
    ::pthread_kill(selecting, SIGUSR1);
    std::this_thread::sleep_for(20ms);
    sel.wakeup();
  });
  Stopwatch watch;
  std::vector<SelectorEvent> ready = this->select(std::nullopt);
  const double elapsed = watch.elapsed();
  signaller.join();
  EXPECT_TRUE(Sigusr1Handler::caught());
  EXPECT_TRUE(ready.empty());
  EXPECT_GE(elapsed, 0.025);
}

// Other threads hammer wakeup() while the loop thread selects and finally closes the selector
// under them: no lost wake-up makes select hang, no fd is written after close (ThreadSanitizer
// checks the rest).
TYPED_TEST(SelectorWakeupTest, WakeupsFromManyThreadsRaceSelectAndClose) {
  auto& sel = this->selector();
  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::vector<std::thread> wakers;
  for (int t = 0; t < 2; ++t) {
    wakers.emplace_back([&] {
      while (!stop.load()) {
        sel.wakeup();
        calls.fetch_add(1);
        std::this_thread::yield();
      }
    });
  }
  while (calls.load() == 0) std::this_thread::yield();
  for (int i = 0; i < 50; ++i) this->select(0.001);
  sel.close();
  const int before = calls.load();
  while (calls.load() < before + 100) std::this_thread::yield();  // wake-ups after close
  stop = true;
  for (std::thread& t : wakers) t.join();
}

}  // namespace
}  // namespace aio::testing
