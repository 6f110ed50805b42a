// run_until_complete (base_events.py): RUN-05..14 and RUN-16.
#include <string>
#include <vector>

#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class Backend>
using RunUntilCompleteTest = LoopTest<Backend>;
TYPED_TEST_SUITE(RunUntilCompleteTest, AllBackends, BackendNames);

template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no exception>";
}

Coro<int> seven() { co_return 7; }

TYPED_TEST(RunUntilCompleteTest, RUN05_RunUntilCompleteOnARunningLoopRaises) {
  std::string error;
  Future<int> f = this->loop->template create_future<int>();
  this->loop->call_soon([&] {
    error = error_of<RuntimeError>([&] { this->loop->run_until_complete(f); });
    f.set_result(1);
  });
  EXPECT_EQ(this->run(f), 1);
  EXPECT_EQ(error, "This event loop is already running");
}

TYPED_TEST(RunUntilCompleteTest, RUN06_RunUntilCompleteInsideAnotherLoopRaises) {
  EventLoop other(this->backend.seams());
  std::string error;
  this->loop->call_soon([&] {
    error = error_of<RuntimeError>([&] { other.run_until_complete(seven()); });
  });
  this->run_iterations(1);
  EXPECT_EQ(error, "Cannot run the event loop while another loop is running");
  EXPECT_TRUE(all_tasks(&other).empty());  // RUN-07: refused before wrapping
  other.close();
}

TYPED_TEST(RunUntilCompleteTest, RUN07_ClosedIsCheckedFirstAndNothingIsWrapped) {
  this->loop->close();
  EXPECT_EQ(error_of<RuntimeError>([&] { this->run(seven()); }), "Event loop is closed");
  EXPECT_TRUE(all_tasks(this->loop.get()).empty());
  EXPECT_TRUE(this->log()->messages().empty());
}

TYPED_TEST(RunUntilCompleteTest, RUN08_ACoroutineIsWrappedInATaskByTheFactory) {
  std::vector<std::string> made;
  this->loop->set_task_factory([&](EventLoop& l, AnyCoro coro, std::optional<Context> ctx) {
    TaskBase t = std::move(coro).make_task(l, std::move(ctx));
    made.push_back(t.get_name());
    return t;
  });
  EXPECT_EQ(this->run(seven()), 7);
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].rfind("Task-", 0), 0u);
}

TYPED_TEST(RunUntilCompleteTest, RUN10_AFutureOfAnotherLoopIsRefused) {
  EventLoop other(this->backend.seams());
  Future<int> foreign = other.template create_future<int>();
  EXPECT_EQ(error_of<ValueError>([&] { this->run(foreign); }),
            "The future belongs to a different loop than the one specified as the loop argument");
  other.close();
}

TYPED_TEST(RunUntilCompleteTest, RUN11_AnAlreadyDoneFutureStillRunsOneFullIteration) {
  Future<int> done = this->loop->template create_future<int>();
  done.set_result(3);
  bool queued_ran = false;
  this->loop->call_soon([&] { queued_ran = true; });
  const auto before = this->loop->iteration_count();
  EXPECT_EQ(this->run(done), 3);
  EXPECT_EQ(this->loop->iteration_count() - before, 1u);
  EXPECT_TRUE(queued_ran);
}

TYPED_TEST(RunUntilCompleteTest, RUN12_StoppingFirstRaisesAndTheTaskCanBeResumedLater) {
  auto body = [&]() -> Coro<int> {
    this->loop->stop();
    co_await aio::sleep(0.01);
    co_return 5;
  };
  Task<int> t = this->loop->create_task(body());
  EXPECT_EQ(error_of<RuntimeError>([&] { this->run(t); }), "Event loop stopped before Future completed.");
  EXPECT_FALSE(t.done());
  EXPECT_EQ(this->run(t), 5);  // a second run_until_complete finishes it
  // A stop() made before the call has the same effect on a pending future.
  Future<int> pending = this->loop->template create_future<int>();
  this->loop->stop();
  EXPECT_EQ(error_of<RuntimeError>([&] { this->run(pending); }),
            "Event loop stopped before Future completed.");
  pending.cancel();
}

TYPED_TEST(RunUntilCompleteTest, RUN13_ItReturnsTheResultOrRaisesTheExceptionOrCancelledError) {
  EXPECT_EQ(this->run(seven()), 7);
  auto fails = []() -> Coro<int> {
    throw ValueError("nope");
    co_return 0;
  };
  EXPECT_EQ(error_of<ValueError>([&] { this->run(fails()); }), "nope");
  Future<int> f = this->loop->template create_future<int>();
  this->loop->call_soon([f] { f.cancel("why"); });
  try {
    this->run(f);
    ADD_FAILURE();
  } catch (const CancelledError& e) {
    EXPECT_EQ(e.message(), "why");
  }
  EXPECT_TRUE(this->log()->messages().empty());  // the exception counts as retrieved
}

TYPED_TEST(RunUntilCompleteTest, RUN14_AFutureEndingWithSystemExitDoesNotStopALaterRun) {
  Future<int> f = this->loop->template create_future<int>();
  this->loop->call_soon([f] { f.set_exception(SystemExit(2)); });
  // The done callback that would stop the loop is queued behind the callback that raises, and
  // is not run this time; run_forever leaves by the exception instead.
  this->loop->call_soon([] { throw SystemExit(3); });
  EXPECT_THROW(this->run(f), SystemExit);
  // _run_until_complete_cb is still queued; it must not stop this run_forever early.
  int ran = 0;
  this->loop->call_later(0.001, [&] {
    ++ran;
    this->loop->stop();
  });
  this->loop->run_forever();
  EXPECT_EQ(ran, 1);
  f.exception();
}

TYPED_TEST(RunUntilCompleteTest, RUN16_ATaskRaisingKeyboardInterruptEndsWithItAndItLeavesTheLoop) {
  auto body = []() -> Coro<void> {
    co_await aio::sleep(0);
    throw KeyboardInterrupt();
  };
  EXPECT_THROW(this->run(body()), KeyboardInterrupt);
  EXPECT_FALSE(this->loop->is_running());
  this->run_iterations(1);  // the done callback left behind runs harmlessly
  EXPECT_TRUE(this->log()->messages().empty());  // read by run_until_complete: not reported
}

}  // namespace
}  // namespace aio::testing
