// Task cancellation (tasks.py: Task.cancel, uncancel, __step's cancellation paths): CAN-11..24.
#include <string>
#include <vector>

#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class Backend>
using CancelTaskTest = LoopTest<Backend>;
TYPED_TEST_SUITE(CancelTaskTest, AllBackends, BackendNames);

std::optional<std::string> message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError& e) {
    return e.message();
  } catch (...) {
  }
  return std::string("<not a CancelledError>");
}

// The CancelledError result() raises, as an exception_ptr.
template <class F>
std::exception_ptr raised_by(F&& f) {
  try {
    f();
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

TYPED_TEST(CancelTaskTest, CAN11_CancelForwardsToTheAwaitedFutureAndReturnsTrueWhilePending) {
  Future<int> inner = this->loop->template create_future<int>();
  auto body = [&]() -> Coro<void> { co_await inner; };
  Task<void> t = this->loop->create_task(body());
  this->run_iterations(1);
  EXPECT_TRUE(t.cancel("m"));
  EXPECT_TRUE(inner.cancelled());  // the awaited future took the cancel
  EXPECT_TRUE(t.cancel("again"));  // 3.11: True on every request while pending
  EXPECT_EQ(t.cancelling(), 2u);
  this->run_iterations(1);  // CancelledError thrown in the next iteration
  EXPECT_TRUE(t.cancelled());
  EXPECT_FALSE(t.cancel());  // done: False
}

TYPED_TEST(CancelTaskTest, CAN12_ATaskCancelledBeforeItsFirstStepNeverRunsItsBody) {
  bool ran = false;
  auto body = [&]() -> Coro<void> {
    ran = true;
    co_return;
  };
  Task<void> t = this->loop->create_task(body());
  t.cancel();
  EXPECT_THROW(this->run(t), CancelledError);
  EXPECT_FALSE(ran);
  EXPECT_TRUE(t.cancelled());
}

TYPED_TEST(CancelTaskTest, CAN13_OnTheMustCancelPathTheLastMessageWins) {
  auto body = []() -> Coro<void> { co_await aio::sleep(0); };
  Task<void> t = this->loop->create_task(body());
  t.cancel("msg1");
  t.cancel("msg2");
  EXPECT_EQ(t.cancelling(), 2u);
  const std::exception_ptr error = raised_by([&] { this->run(t); });
  EXPECT_EQ(message_of(error), "msg2");
}

TYPED_TEST(CancelTaskTest, CAN14_CatchingCancellationLeavesATaskWithAResultAndCancellingUp) {
  auto body = []() -> Coro<std::string> {
    try {
      co_await aio::sleep(10);
    } catch (const CancelledError&) {
      co_return "caught";
    }
    co_return "not cancelled";
  };
  Task<std::string> t = this->loop->create_task(body());
  this->run_iterations(1);
  t.cancel();
  EXPECT_EQ(this->run(t), "caught");
  EXPECT_FALSE(t.cancelled());
  EXPECT_EQ(t.cancelling(), 1u);  // not reset automatically
}

TYPED_TEST(CancelTaskTest, CAN15_ACoroutineRaisingCancelledErrorItselfEndsCancelled) {
  auto body = []() -> Coro<void> {
    co_await aio::sleep(0);
    throw CancelledError("own");
  };
  Task<void> t = this->loop->create_task(body());
  const std::exception_ptr error = raised_by([&] { this->run(t); });
  EXPECT_TRUE(t.cancelled());
  EXPECT_EQ(message_of(error), "own");  // the original, saved for chaining (CAN-20)
}

TYPED_TEST(CancelTaskTest, CAN16_CancellingItselfThenReturningEndsCancelled) {
  auto body = [&]() -> Coro<int> {
    current_task().cancel("late");
    co_return 7;
  };
  Task<int> t = this->loop->create_task(body());
  const std::exception_ptr error = raised_by([&] { this->run(t); });
  EXPECT_TRUE(t.cancelled());  // the return value is dropped
  EXPECT_EQ(message_of(error), "late");
}

TYPED_TEST(CancelTaskTest, CAN17_CancellingItselfThenAwaitingCancelsWhatItAwaits) {
  Future<int> awaited = this->loop->template create_future<int>();
  auto body = [&]() -> Coro<void> {
    current_task().cancel();
    co_await awaited;
  };
  Task<void> t = this->loop->create_task(body());
  EXPECT_THROW(this->run(t), CancelledError);
  EXPECT_TRUE(awaited.cancelled());
  // A nested task is cancelled through the chain too.
  Future<int> deepest = this->loop->template create_future<int>();
  auto inner = [&]() -> Coro<void> { co_await deepest; };
  Task<void> inner_task;
  auto outer = [&]() -> Coro<void> {
    inner_task = this->loop->create_task(inner());
    co_await inner_task;
  };
  Task<void> o = this->loop->create_task(outer());
  this->run_iterations(2);
  o.cancel();
  EXPECT_THROW(this->run(o), CancelledError);
  EXPECT_TRUE(inner_task.cancelled());
  EXPECT_TRUE(deepest.cancelled());
}

TYPED_TEST(CancelTaskTest, CAN18_ACancelAfterTheAwaitedFutureFinishedStillCancelsTheTask) {
  Future<int> f = this->loop->template create_future<int>();
  std::string outcome;
  auto body = [&]() -> Coro<void> {
    try {
      co_await f;
      outcome = "got the result";
    } catch (const CancelledError&) {
      outcome = "cancelled despite fut result";
    }
  };
  Task<void> t = this->loop->create_task(body());
  this->run_iterations(1);
  f.set_result(1);  // the wakeup is queued...
  EXPECT_TRUE(t.cancel());  // ...and the future can no longer be cancelled
  this->run(t);
  EXPECT_EQ(outcome, "cancelled despite fut result");
}

TYPED_TEST(CancelTaskTest, CAN19_UncancelDecrementsAndNeverGoesBelowZero) {
  auto body = []() -> Coro<void> {
    try {
      co_await aio::sleep(1);
    } catch (const CancelledError&) {
    }
  };
  Task<void> t = this->loop->create_task(body());
  this->run_iterations(1);  // inside the try
  EXPECT_EQ(t.uncancel(), 0u);
  t.cancel();
  t.cancel();
  EXPECT_EQ(t.uncancel(), 1u);
  EXPECT_EQ(t.uncancel(), 0u);
  EXPECT_EQ(t.uncancel(), 0u);
  this->run(t);  // the cancellation still arrives: uncancel() only counts
  EXPECT_EQ(t.uncancel(), 0u);
  EXPECT_FALSE(t.cancelled());
}

TYPED_TEST(CancelTaskTest, CAN20_TheCancelMessageReachesWhoeverAwaitsTheTask) {
  auto sleeper = []() -> Coro<void> { co_await aio::sleep(10); };
  Task<void> child = this->loop->create_task(sleeper());
  std::optional<std::string> seen;
  auto awaiter = [&]() -> Coro<void> {
    try {
      co_await child;
    } catch (const CancelledError& e) {
      seen = e.message();
    }
  };
  Task<void> parent = this->loop->create_task(awaiter());
  this->run_iterations(1);
  child.cancel("bye");
  this->run(parent);
  EXPECT_EQ(seen, "bye");
  // The CancelledError raised inside the child was handed to its awaiter; it is used once, and
  // result() now raises a new one without arguments (Future.cancel() with no message), as
  // CPython 3.11 does.
  const std::exception_ptr error = raised_by([&] { child.result(); });
  EXPECT_EQ(message_of(error), std::nullopt);
}

TYPED_TEST(CancelTaskTest, CAN21_CancelledErrorIsNotAnAioExceptionButInvalidStateErrorIs) {
  static_assert(!std::is_base_of_v<Exception, CancelledError>);
  static_assert(!std::is_base_of_v<BaseException, CancelledError>);  // it does not escape the loop
  static_assert(std::is_base_of_v<Exception, InvalidStateError>);
  static_assert(std::is_base_of_v<OSError, TimeoutError>);
  bool caught_as_exception = false;
  try {
    throw CancelledError("x");
  } catch (const Exception&) {
    caught_as_exception = true;
  } catch (const CancelledError&) {
  }
  EXPECT_FALSE(caught_as_exception);
  EXPECT_EQ(exception_type_name(std::make_exception_ptr(CancelledError())), "CancelledError");
}

TYPED_TEST(CancelTaskTest, CAN22_APendingTaskWithACancelRequestShowsCancelling) {
  auto body = []() -> Coro<void> { co_await aio::sleep(1); };
  Task<void> t = this->loop->create_task(body(), "T");
  EXPECT_EQ(t.repr().rfind("<Task pending name='T'", 0), 0u);
  t.cancel();
  EXPECT_EQ(t.repr().rfind("<Task cancelling name='T'", 0), 0u) << t.repr();
  EXPECT_THROW(this->run(t), CancelledError);
  EXPECT_EQ(t.repr().rfind("<Task cancelled name='T'", 0), 0u) << t.repr();
}

TYPED_TEST(CancelTaskTest, CAN23_TasksRefuseSetResultAndSetException) {
  auto body = []() -> Coro<int> { co_return 1; };
  Task<int> t = this->loop->create_task(body());
  Future<int> as_future = t;
  try {
    as_future.set_result(2);
    ADD_FAILURE();
  } catch (const RuntimeError& e) {
    EXPECT_STREQ(e.what(), "Task does not support set_result operation");
  }
  try {
    as_future.set_exception(ValueError("x"));
    ADD_FAILURE();
  } catch (const RuntimeError& e) {
    EXPECT_STREQ(e.what(), "Task does not support set_exception operation");
  }
  EXPECT_EQ(this->run(t), 1);
}

TYPED_TEST(CancelTaskTest, CAN24_CancellingTheAwaitedFutureCancelsTheTaskWithItsMessage) {
  Future<int> f = this->loop->template create_future<int>();
  std::optional<std::string> seen;
  auto body = [&]() -> Coro<void> {
    try {
      co_await f;
    } catch (const CancelledError& e) {
      seen = e.message();
      throw;
    }
  };
  Task<void> t = this->loop->create_task(body());
  this->run_iterations(1);
  f.cancel("futmsg");
  EXPECT_THROW(this->run(t), CancelledError);
  EXPECT_EQ(seen, "futmsg");
  EXPECT_TRUE(t.cancelled());
}

TYPED_TEST(CancelTaskTest, EXC09_CancellingAFailedTaskSuppressesTheNeverRetrievedReport) {
  auto fails = []() -> Coro<void> {
    throw ValueError("x");
    co_return;
  };
  {
    Task<void> t = this->loop->create_task(fails());
    this->run_iterations(1);
    EXPECT_TRUE(t.done());
    EXPECT_FALSE(t.cancel());  // done: False, but the flag is cleared
  }
  EXPECT_TRUE(this->log()->messages().empty());
  {
    Task<void> t = this->loop->create_task(fails());
    this->run_iterations(1);
  }
  const auto messages = this->log()->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("Task exception was never retrieved\nfuture: <Task finished ", 0), 0u)
      << messages[0];
}

}  // namespace
}  // namespace aio::testing
