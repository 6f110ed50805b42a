#pragma once
// The fixture of the loop tests: one test body, run on every backend (TYPED_TEST). It builds a
// loop, captures the log, and ends every test with the clean-close check: the loop closes,
// the selector has nothing registered, no fd the test opened is left open, and no handle is
// left alive.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "aio/aio.h"
#include "aio/logging.h"
#include "backends.h"

namespace aio::testing {

template <class Backend>
class LoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    {
      Seams probe = backend.seams();
      probe.selector.reset();  // count without the probe's own selector fds
      baseline_fds_ = probe.os->open_fd_count();
    }
    baseline_handles_ = detail::live_handle_count();
    loop = std::make_unique<EventLoop>(backend.seams());
    log_->clear();  // "Using selector: ..." (DBG-06)
  }

  void TearDown() override {
    backend.join_threads();
    if (!loop) return;
    Selector& selector = loop->selector();
    if (!loop->is_running()) loop->close();
    EXPECT_TRUE(loop->is_closed()) << "clean close: the loop did not close";
    EXPECT_EQ(selector.size(), 0u) << "clean close: fds still registered";
    EXPECT_EQ(loop->ready_count(), 0u) << "clean close: callbacks left queued";
    EXPECT_EQ(loop->scheduled_count(), 0u) << "clean close: timers left scheduled";
    EXPECT_EQ(loop->os().open_fd_count(), baseline_fds_) << "clean close: fds left open";
    loop.reset();
    EXPECT_EQ(detail::live_handle_count(), baseline_handles_) << "clean close: handles leaked";
  }

  static constexpr bool simulated() { return Backend::simulated; }

  // Expects a loop.time() reading: exact on the simulator, within the tolerance on a kernel
  // (never early).
  void expect_time(double actual, double expected) {
    if constexpr (Backend::simulated) {
      EXPECT_NEAR(actual, expected, 1e-9);
    } else {
      EXPECT_GE(actual, expected - 1e-3);
      EXPECT_LE(actual, expected + Backend::tolerance);
    }
  }

  // loop.run_until_complete, for coroutines, futures and tasks.
  template <class A>
  decltype(auto) run(A&& awaitable) {
    return loop->run_until_complete(std::forward<A>(awaitable));
  }

  // Runs one iteration with the loop marked as running, as run_forever would, then stops.
  void run_iterations(int n) {
    for (int i = 0; i < n; ++i) {
      loop->stop();
      loop->run_forever();
    }
  }

  // A pipe on this loop's Os, closed again by the clean-close check's caller.
  std::pair<int, int> make_pipe() {
    auto fds = loop->os().pipe();
    pipes_.push_back(fds);
    return fds;
  }
  void close_pipes() {
    for (auto [r, w] : pipes_) {
      loop->os().close(r);
      loop->os().close(w);
    }
    pipes_.clear();
  }
  void write_byte(int fd, char c = 'x') {
    std::byte b{static_cast<unsigned char>(c)};
    ASSERT_TRUE(loop->os().write(fd, std::span<const std::byte>(&b, 1)).ok());
  }

  Backend backend;
  std::unique_ptr<EventLoop> loop;
  CapturingLogSink* log() { return log_.get(); }

 private:
  std::shared_ptr<CapturingLogSink> log_ = std::make_shared<CapturingLogSink>();
  ScopedLogSink scoped_log_{log_};
  std::size_t baseline_fds_ = 0;
  long baseline_handles_ = 0;
  std::vector<std::pair<int, int>> pipes_;
};

using AllBackends = ::testing::Types<Epoll, Sim>;
using IoBackends = ::testing::Types<Epoll, Poll, Select, Sim>;

struct BackendNames {
  template <class T>
  static std::string GetName(int) {
    return T::name();
  }
};

}  // namespace aio::testing
