// run_forever, stop and is_running (RUN-01..06, RUN-15).
#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class B>
class RunStopTest : public LoopTest<B> {};
TYPED_TEST_SUITE(RunStopTest, AllBackends, BackendNames);

TYPED_TEST(RunStopTest, RUN01_StopBeforeRunForeverDoesOneIteration) {
  std::vector<std::string> ran;
  this->loop->call_soon([&] {
    ran.push_back("first");
    this->loop->call_soon([&] { ran.push_back("second"); });
  });
  this->loop->stop();
  const auto before = this->loop->iteration_count();
  this->loop->run_forever();
  EXPECT_EQ(this->loop->iteration_count() - before, 1u);
  EXPECT_EQ(ran, std::vector<std::string>{"first"});
  // _stopping was reset: the next run needs its own stop.
  this->loop->call_soon([this] { this->loop->stop(); });
  this->loop->run_forever();
  EXPECT_EQ(ran, (std::vector<std::string>{"first", "second"}));
}

TYPED_TEST(RunStopTest, RUN02_StopFinishesTheBatchAndKeepsWhatItScheduled) {
  std::vector<std::string> ran;
  this->loop->call_later(-1, [&] { ran.push_back("timer in batch"); });
  this->loop->call_soon([&] {
    ran.push_back("stopper");
    this->loop->stop();
    this->loop->call_soon([&] { ran.push_back("scheduled by batch"); });
  });
  this->loop->call_soon([&] { ran.push_back("after stop"); });
  this->loop->run_forever();
  EXPECT_EQ(ran, (std::vector<std::string>{"stopper", "after stop", "timer in batch"}));
  EXPECT_EQ(this->loop->ready_count(), 1u);
  this->loop->call_soon([this] { this->loop->stop(); });
  this->loop->run_forever();
  EXPECT_EQ(ran.back(), "scheduled by batch");
}

TYPED_TEST(RunStopTest, RUN03_StopIsIdempotentAndFineOnAClosedLoop) {
  this->loop->stop();
  this->loop->stop();
  this->loop->run_forever();  // one iteration, not two runs' worth of stopping
  int runs = 0;
  this->loop->call_soon([&] { ++runs; });
  this->loop->call_soon([&] { this->loop->call_soon([&] { ++runs; this->loop->stop(); }); });
  this->loop->run_forever();
  EXPECT_EQ(runs, 2);
  this->loop->close();
  EXPECT_NO_THROW(this->loop->stop());
}

TYPED_TEST(RunStopTest, RUN03_StopDoesNotWakeTheSelector) {
  if constexpr (!TypeParam::simulated) {
    GTEST_SKIP() << "exact on virtual time only";
  } else {
    // A stop() made while select() waits (here by a world event at t=1) is seen only when the
    // pending timer at t=5 ends that wait.
    this->loop->call_later(5, [] {});
    this->backend.world.call_later(1, [this] { this->loop->stop(); });
    this->loop->run_forever();
    EXPECT_DOUBLE_EQ(this->loop->time(), 5.0);
  }
}

TYPED_TEST(RunStopTest, RUN04_RunForeverResetsStateWhenLeftByException) {
  this->loop->call_soon([this] {
    this->loop->stop();
    throw KeyboardInterrupt();
  });
  EXPECT_THROW(this->loop->run_forever(), KeyboardInterrupt);
  EXPECT_FALSE(this->loop->is_running());
  EXPECT_EQ(get_running_loop_or_null(), nullptr);
  // _stopping was reset too: this run goes on until its own stop.
  int runs = 0;
  this->loop->call_soon([&] { this->loop->call_soon([&] { ++runs; this->loop->stop(); }); });
  this->loop->run_forever();
  EXPECT_EQ(runs, 1);
}

TYPED_TEST(RunStopTest, RUN04_IsRunningAndRunningLoopWhileRunning) {
  bool running_inside = false;
  EventLoop* current = nullptr;
  EXPECT_FALSE(this->loop->is_running());
  this->loop->call_soon([&] {
    running_inside = this->loop->is_running();
    current = &get_running_loop();
    this->loop->stop();
  });
  this->loop->run_forever();
  EXPECT_TRUE(running_inside);
  EXPECT_EQ(current, this->loop.get());
  EXPECT_FALSE(this->loop->is_running());
  EXPECT_THROW(get_running_loop(), RuntimeError);
}

TYPED_TEST(RunStopTest, RUN05_RunForeverWhileRunningRaises) {
  std::string error;
  this->loop->call_soon([&] {
    try {
      this->loop->run_forever();
    } catch (const RuntimeError& e) {
      error = e.what();
    }
    this->loop->stop();
  });
  this->loop->run_forever();
  EXPECT_EQ(error, "This event loop is already running");
}

TYPED_TEST(RunStopTest, RUN06_RunningAnotherLoopInsideALoopRaises) {
  EventLoop other(this->backend.seams());
  std::string error;
  this->loop->call_soon([&] {
    try {
      other.run_forever();
    } catch (const RuntimeError& e) {
      error = e.what();
    }
    this->loop->stop();
  });
  this->loop->run_forever();
  EXPECT_EQ(error, "Cannot run the event loop while another loop is running");
  other.close();
}

TYPED_TEST(RunStopTest, RUN15_SystemExitLeavesRunForeverAndKeepsTheRestOfTheBatch) {
  // V: [1], then [1, 3] after re-running; is_running() is False in between.
  std::vector<int> ran;
  this->loop->call_soon([&] { ran.push_back(1); });
  this->loop->call_soon([] { throw SystemExit(3); });
  this->loop->call_soon([&] { ran.push_back(3); });
  try {
    this->loop->run_forever();
    FAIL() << "SystemExit did not propagate";
  } catch (const SystemExit& e) {
    EXPECT_EQ(e.code(), 3);
  }
  EXPECT_EQ(ran, std::vector<int>{1});
  EXPECT_FALSE(this->loop->is_running());
  EXPECT_EQ(this->loop->ready_count(), 1u);
  this->loop->stop();
  this->loop->run_forever();
  EXPECT_EQ(ran, (std::vector<int>{1, 3}));
}

struct CustomBaseException : BaseException {
  using BaseException::BaseException;
};

TYPED_TEST(RunStopTest, RUN15_AnyBaseExceptionDerivedTypePropagates) {
  bool handler_called = false;
  this->loop->set_exception_handler([&](EventLoop&, const ExceptionContext&) { handler_called = true; });
  this->loop->call_soon([] { throw CustomBaseException("out"); });
  EXPECT_THROW(this->loop->run_forever(), CustomBaseException);
  EXPECT_FALSE(handler_called);
}

}  // namespace
}  // namespace aio::testing
