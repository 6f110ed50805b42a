// Tasks (__step, __wakeup, cancel/uncancel/cancelling), the coroutine driver and
// asyncio.sleep, with bodies written as C++ coroutines.
#include <gtest/gtest.h>

#include "model_util.h"

namespace loopcheck::refmodel {
namespace {

using testing::Log;
using testing::run_until;
using Strings = std::vector<std::string>;

template <class F>
std::string raised(F&& call) {
  try {
    call();
  } catch (const PyError& e) {
    return e.exc->type + ": " + e.exc->message;
  }
  return "no error";
}

Coro returns(nlohmann::json value) {
  co_return value;
}

Coro two_steps(Log* log, std::string name, EventLoop* loop) {
  log->items.push_back(name + " step1");
  co_await sleep(*loop, 0);
  log->items.push_back(name + " step2");
  co_return nullptr;
}

Coro awaits(Future* future, Log* log) {
  try {
    if (!future->done()) co_await suspend(future);
    co_return future->result();
  } catch (const PyError& e) {
    log->items.push_back("caught " + e.exc->type + "(" + e.exc->message + ")");
    throw;
  }
}

Coro sleeps(EventLoop* loop, int times) {
  for (int i = 0; i < times; ++i) co_await sleep(*loop, 0);
  co_return times;
}

TEST(Task, ORD14_FirstStepIsQueuedWithCallSoonFifo) {
  EventLoop loop;
  Log log;
  loop.call_soon(log.add("soon A"));
  loop.create_task(two_steps(&log, "task1", &loop));
  loop.call_soon(log.add("soon B"));
  loop.create_task(two_steps(&log, "task2", &loop));
  run_until(loop, 0.1);
  EXPECT_EQ(log.items, (Strings{"soon A", "task1 step1", "soon B", "task2 step1", "task1 step2",
                                "task2 step2"}));
}

Coro resolves_then_awaits(EventLoop* loop) {
  Future* f = loop->create_future();
  loop->call_soon([f] { f->set_result("x"); });
  if (!f->done()) co_await suspend(f);
  co_return f->result();
}

Coro awaits_a_new_child(EventLoop* loop) {
  Task* child = loop->create_task(returns(1));
  if (!child->done()) co_await suspend(child);
  co_return child->result();
}

// _run_once calls of run_until_complete, as CPython 3.11.2 counts them (a subclass of
// SelectorEventLoop counting its _run_once calls, on the same coroutines).
TEST(Task, ORD20_IterationCounts) {
  auto iterations = [](auto make) {
    EventLoop loop;
    loop.run_until_complete(make(loop));
    return loop.iterations();
  };
  EXPECT_EQ(iterations([](EventLoop&) { return returns(5); }), 2);
  EXPECT_EQ(iterations([](EventLoop& loop) { return sleeps(&loop, 3); }), 5);  // k sleep(0): k + 2
  EXPECT_EQ(iterations([](EventLoop& loop) { return resolves_then_awaits(&loop); }), 4);
  EXPECT_EQ(iterations([](EventLoop& loop) { return awaits_a_new_child(&loop); }), 4);
  // A future resolved by a callback queued before the task: done by the task's first step.
  Log log;
  EXPECT_EQ(iterations([&log](EventLoop& loop) {
              Future* f = loop.create_future();
              loop.call_soon([f] { f->set_result("x"); });
              return awaits(f, &log);
            }),
            2);
}

TEST(Task, CAN12_CancelledBeforeItsFirstStepTheBodyNeverRuns) {
  EventLoop loop;
  Log log;
  Task* t = loop.create_task(two_steps(&log, "t", &loop));
  EXPECT_TRUE(t->cancel(std::string("early")));
  run_until(loop, 0.1);
  EXPECT_TRUE(log.items.empty());
  EXPECT_TRUE(t->cancelled());
  EXPECT_EQ(raised([&] { t->result(); }), "CancelledError: early");
}

TEST(Task, CAN24_CancellingTheAwaitedFutureThrowsItsMessageIntoTheTask) {
  EventLoop loop;
  Log log;
  Future* f = loop.create_future();
  Task* t = loop.create_task(awaits(f, &log));
  loop.call_soon([f] { f->cancel(std::string("from the future")); });
  run_until(loop, 0.1);
  EXPECT_EQ(log.items, (Strings{"caught CancelledError(from the future)"}));
  EXPECT_TRUE(t->cancelled());
}

TEST(Task, CAN20_CancelMessageReachesTheAwaiterOnceThenTheSavedErrorIsGone) {
  EventLoop loop;
  Log log;
  Future* f = loop.create_future();
  Task* t = loop.create_task(awaits(f, &log));
  loop.call_soon([t] { EXPECT_TRUE(t->cancel(std::string("m"))); });
  EXPECT_EQ(raised([&] { loop.run_until_complete(t); }), "CancelledError: m");
  EXPECT_EQ(log.items, (Strings{"caught CancelledError(m)"}));
  // The task kept the CancelledError its coroutine raised; result() handed it over, so
  // later calls make a new one from _cancel_message, which Future.cancel(self) set to None.
  EXPECT_EQ(raised([&] { t->result(); }), "CancelledError: ");
  EXPECT_EQ(raised([&] { t->exception(); }), "CancelledError: ");
  EXPECT_EQ(t->cancelling(), 1);
}

Coro cancels_itself_then_returns(EventLoop* loop) {
  Task* self = current_task(*loop);
  self->cancel(std::string("self"));
  co_return "returned";
}

TEST(Task, CAN16_TaskThatCancelsItselfThenReturnsEndsCancelled) {
  EventLoop loop;
  Task* t = loop.create_task(cancels_itself_then_returns(&loop));
  run_until(loop, 0.1);
  EXPECT_TRUE(t->cancelled());
  EXPECT_EQ(raised([&] { t->result(); }), "CancelledError: self");
}

TEST(Task, CAN19_UncancelNeverGoesBelowZeroAndCancelCountsEachRequest) {
  EventLoop loop;
  Future* f = loop.create_future();
  Log log;
  Task* t = loop.create_task(awaits(f, &log));
  run_until(loop, 0);  // the task now waits on f
  EXPECT_TRUE(t->cancel());
  EXPECT_TRUE(t->cancel());  // f is cancelled already: _must_cancel
  EXPECT_EQ(t->cancelling(), 2);
  EXPECT_EQ(t->uncancel(), 1);
  EXPECT_EQ(t->uncancel(), 0);
  EXPECT_EQ(t->uncancel(), 0);
}

Coro awaits_itself(EventLoop* loop, Log* log) {
  Task* self = current_task(*loop);
  try {
    co_await suspend(self);
  } catch (const PyError& e) {
    log->items.push_back(e.exc->message.substr(0, 36));
  }
  co_return nullptr;
}

TEST(Task, FUT06_TaskAwaitingItselfGetsRuntimeError) {
  EventLoop loop;
  Log log;
  loop.run_until_complete(awaits_itself(&loop, &log));
  EXPECT_EQ(log.items, (Strings{"Task cannot await on itself: <Task p"}));  // <Task pending ...>
}

Coro raises(std::string type) {
  raise(type, "from the body");
  co_return nullptr;
}

TEST(Task, RUN16_SystemExitEndsTheTaskAndLeavesRunForever) {
  EventLoop loop;
  Task* t = loop.create_task(raises("SystemExit"));
  EXPECT_EQ(raised([&] { loop.run_forever(); }), "SystemExit: from the body");
  EXPECT_TRUE(t->done());
  EXPECT_EQ(t->exception()->type, "SystemExit");
}

TEST(Task, EXC09_AnExceptionEndingATaskIsStoredNotHandled) {
  EventLoop loop;
  int handled = 0;
  loop.set_exception_handler([&](EventLoop&, const ExceptionContext&) { ++handled; });
  Task* t = loop.create_task(raises("ValueError"));
  run_until(loop, 0);
  EXPECT_EQ(handled, 0);
  EXPECT_EQ(raised([&] { t->result(); }), "ValueError: from the body");
}

TEST(Task, FUT07_UnnamedTasksCountFromOne) {
  EventLoop loop;
  EXPECT_EQ(loop.create_task(returns(1))->get_name(), "Task-1");
  EXPECT_EQ(loop.create_task(returns(1), std::string("named"))->get_name(), "named");
  EXPECT_EQ(loop.create_task(returns(1))->get_name(), "Task-2");
}

Coro sleeps_long(EventLoop* loop) {
  co_await sleep(*loop, 10);
  co_return nullptr;
}

TEST(Task, CancelledSleepCancelsItsTimer) {
  EventLoop loop;
  Task* t = loop.create_task(sleeps_long(&loop));
  run_until(loop, 0);
  EXPECT_EQ(loop.scheduled_count(), 1u);
  t->cancel();
  run_until(loop, 0);  // the task wakes up with CancelledError; sleep's finally cancels h
  EXPECT_TRUE(t->cancelled());
  EXPECT_EQ(loop.timer_cancelled_count(), 1);  // CAN-05
  loop.call_soon([&] { loop.stop(); });
  loop.run_forever();  // CAN-06: popped once it is the heap's head
  EXPECT_EQ(loop.timer_cancelled_count(), 0);
  EXPECT_EQ(loop.scheduled_count(), 0u);
  EXPECT_EQ(all_tasks(loop), 0u);  // FUT-10
}

TEST(Coroutine, ThrowIntoAnUnstartedCoroutineRunsNothing) {
  Log log;
  EventLoop loop;
  Coroutine coro(two_steps(&log, "c", &loop));
  StepOutcome out = coro.throw_in(make_exception("ValueError", "in"));
  EXPECT_EQ(out.kind, StepOutcome::raised);
  EXPECT_EQ(as_exception(out.error)->message, "in");
  EXPECT_TRUE(log.items.empty());
}

TEST(Coroutine, SendResumesWhereItYieldedAndThrowRaisesThere) {
  EventLoop loop;
  Log log;
  Future* f = loop.create_future();
  Coroutine coro(awaits(f, &log));
  StepOutcome first = coro.send();
  EXPECT_EQ(first.kind, StepOutcome::yielded);
  EXPECT_EQ(first.future, f);
  StepOutcome second = coro.throw_in(make_exception("TimeoutError", "late"));
  EXPECT_EQ(second.kind, StepOutcome::raised);
  EXPECT_EQ(log.items, (Strings{"caught TimeoutError(late)"}));
}

}  // namespace
}  // namespace loopcheck::refmodel
