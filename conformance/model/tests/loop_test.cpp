// The model loop (BaseEventLoop) driven directly: ordering, timers, stop, close, the
// exception handler, virtual time.
#include <gtest/gtest.h>

#include "model_util.h"

namespace loopcheck::refmodel {
namespace {

using testing::Log;
using testing::run_until;
using Strings = std::vector<std::string>;

Strings equal_time_timers(TieBreak ties, int n) {
  EventLoop loop(ties);
  Log log;
  for (int i = 0; i < n; ++i) loop.call_at(0.5, log.add(std::to_string(i)));
  run_until(loop, 1.0);
  return log.items;
}

TEST(EventLoop, ORD01_CallSoonRunsFifoOnceEach) {
  EventLoop loop;
  Log log;
  for (const char* name : {"a", "b", "c"}) loop.call_soon(log.add(name));
  loop.call_soon([&] { loop.stop(); });
  loop.run_forever();
  EXPECT_EQ(log.items, (Strings{"a", "b", "c"}));
  EXPECT_EQ(loop.iterations(), 1);
}

TEST(EventLoop, ORD03_CallbacksScheduledByTheBatchWaitForTheNextIteration) {
  EventLoop loop;
  Log log;
  loop.call_soon([&] {
    log.items.push_back("a");
    loop.call_soon(log.add("c"));
  });
  loop.call_soon([&] {
    log.items.push_back("b");
    loop.stop();
  });
  loop.run_forever();
  EXPECT_EQ(log.items, (Strings{"a", "b"}));  // RUN-02: c stays in _ready
  run_until(loop, 0);
  EXPECT_EQ(log.items, (Strings{"a", "b", "c"}));
}

TEST(EventLoop, ORD08_HeapOrderForEqualTimers) {
  // CPython: six call_at(0.5) and a later call_at(1.0, stop) in the heap pop [0, 2, 5, 1, 3, 4].
  EXPECT_EQ(equal_time_timers(TieBreak::heap, 6), (Strings{"0", "2", "5", "1", "3", "4"}));
}

TEST(EventLoop, ORD08_FifoTieBreakOrdersEqualTimersByScheduling) {
  EXPECT_EQ(equal_time_timers(TieBreak::fifo, 6), (Strings{"0", "1", "2", "3", "4", "5"}));
}

TEST(EventLoop, ORD07_TimersRunInWhenOrderAndTheClockJumps) {
  EventLoop loop;
  Log log;
  loop.call_later(0.3, log.add("late"));
  loop.call_later(0.1, log.add("early"));
  loop.call_later(0.2, [&] { log.items.push_back("mid@" + std::to_string(loop.time())); });
  run_until(loop, 1.0);
  EXPECT_EQ(log.items, (Strings{"early", "mid@0.200000", "late"}));
  EXPECT_DOUBLE_EQ(loop.time(), 1.0);
}

TEST(EventLoop, ORD06_TimerDueWithinClockResolutionRunsInThisIteration) {
  EventLoop loop;
  Log log;
  loop.call_at(0.5e-9, log.add("within"));       // when < now + 1e-9: due at once
  loop.call_at(1e-9, log.add("at_resolution"));  // when >= end_time: waits for select(1e-9)
  loop.stop();
  loop.run_forever();  // RUN-01: one iteration with select(0)
  EXPECT_EQ(log.items, (Strings{"within"}));
  EXPECT_EQ(loop.time(), 0.0);
  run_until(loop, 2e-9);
  EXPECT_EQ(log.items, (Strings{"within", "at_resolution"}));
}

TEST(EventLoop, ORD11_SelectTimeoutIsCappedAtOneDay) {
  EventLoop loop;
  loop.call_at(kMaximumSelectTimeout + 1, [&] { loop.stop(); });
  loop.run_forever();
  // select(min(86401, 86400)) moves virtual time by one day, nothing is due; then select(1).
  EXPECT_EQ(loop.iterations(), 2);
  EXPECT_DOUBLE_EQ(loop.time(), kMaximumSelectTimeout + 1);
}

TEST(EventLoop, ORD10_TimerDueDuringABatchJoinsTheNextOne) {
  EventLoop loop;
  Log log;
  loop.call_later(0.05, log.add("T"));
  loop.call_soon([&] {
    log.items.push_back("A");
    loop.clock().advance(0.1);  // the `block` step
    loop.call_soon(log.add("C"));
  });
  loop.call_soon(log.add("B"));
  run_until(loop, 0.2);
  EXPECT_EQ(log.items, (Strings{"A", "B", "C", "T"}));
}

TEST(EventLoop, CAN06_CancelledTimersStayInTheHeapUntilTheyReachItsHead) {
  EventLoop loop;
  TimerRef first = loop.call_later(1, [] {});
  TimerRef second = loop.call_later(2, [] {});
  second->cancel();
  EXPECT_EQ(loop.timer_cancelled_count(), 1);
  EXPECT_EQ(loop.scheduled_count(), 2u);
  first->cancel();
  second->cancel();  // CAN-05: counted once
  EXPECT_EQ(loop.timer_cancelled_count(), 2);
  loop.call_soon([&] { loop.stop(); });
  loop.run_forever();  // both pop from the head first
  EXPECT_EQ(loop.scheduled_count(), 0u);
  EXPECT_EQ(loop.timer_cancelled_count(), 0);
}

TEST(EventLoop, CAN07_BulkCleanupAboveOneHundredTimersAndHalfCancelled) {
  for (int cancelled : {50, 51}) {
    EventLoop loop;
    std::vector<TimerRef> timers;
    for (int i = 0; i < 101; ++i) timers.push_back(loop.call_later(10 + i, [] {}));
    for (int i = 100; i > 100 - cancelled; --i) timers[static_cast<std::size_t>(i)]->cancel();
    loop.stop();
    loop.run_forever();
    if (cancelled == 51) {  // 51/101 > 0.5: the heap is rebuilt without them
      EXPECT_EQ(loop.scheduled_count(), 50u);
      EXPECT_EQ(loop.timer_cancelled_count(), 0);
    } else {  // 50/101: only the head is looked at, and it is live
      EXPECT_EQ(loop.scheduled_count(), 101u);
      EXPECT_EQ(loop.timer_cancelled_count(), 50);
    }
  }
}

TEST(EventLoop, CAN03_CancelledHandleIsSkipped) {
  EventLoop loop;
  Log log;
  HandleRef h = loop.call_soon(log.add("a"));
  loop.call_soon(log.add("b"));
  h->cancel();
  run_until(loop, 0);
  EXPECT_EQ(log.items, (Strings{"b"}));
  EXPECT_TRUE(h->cancelled());
}

TEST(EventLoop, EXC01_CallbackExceptionGoesToTheHandlerAndTheBatchGoesOn) {
  EventLoop loop;
  Log log;
  std::vector<std::string> keys;
  loop.set_exception_handler([&](EventLoop&, const ExceptionContext& context) {
    log.items.push_back(context.message.substr(0, 22) + ":" + context.exception->type);
    keys = context.keys();
  });
  loop.call_soon([] { raise("ValueError", "boom"); }, CallbackInfo{"f"});
  loop.call_soon(log.add("next"));
  run_until(loop, 0);
  EXPECT_EQ(log.items, (Strings{"Exception in callback :ValueError", "next"}));
  EXPECT_EQ(keys, (Strings{"exception", "handle", "message"}));
}

TEST(EventLoop, RUN15_SystemExitLeavesRunForeverAndTheRestOfTheBatchWaits) {
  EventLoop loop;
  Log log;
  loop.call_soon([] { raise("SystemExit"); });
  loop.call_soon(log.add("after"));
  EXPECT_THROW(loop.run_forever(), PyError);
  EXPECT_FALSE(loop.is_running());  // RUN-04
  EXPECT_TRUE(log.items.empty());
  run_until(loop, 0);
  EXPECT_EQ(log.items, (Strings{"after"}));
}

TEST(EventLoop, EXC04_FailingHandlerFallsBackToTheDefaultAndTheLoopGoesOn) {
  EventLoop loop;
  Log log;
  loop.set_exception_handler(
      [](EventLoop&, const ExceptionContext&) { raise("RuntimeError", "handler broke"); });
  loop.call_soon([] { raise("ValueError"); });
  loop.call_soon(log.add("goes_on"));
  run_until(loop, 0);
  EXPECT_EQ(log.items, (Strings{"goes_on"}));
}

TEST(EventLoop, EXC06_KeyboardInterruptFromTheHandlerPropagates) {
  EventLoop loop;
  loop.set_exception_handler(
      [](EventLoop&, const ExceptionContext&) { raise("KeyboardInterrupt"); });
  loop.call_soon([] { raise("ValueError"); });
  try {
    loop.run_forever();
    FAIL() << "run_forever returned";
  } catch (const PyError& e) {
    EXPECT_EQ(e.exc->type, "KeyboardInterrupt");
  }
}

TEST(EventLoop, RUN05_RunningARunningLoopRaises) {
  EventLoop loop;
  std::string message;
  loop.call_soon([&] {
    try {
      loop.run_forever();
    } catch (const PyError& e) {
      message = e.exc->message;
    }
    loop.stop();
  });
  loop.run_forever();
  EXPECT_EQ(message, "This event loop is already running");
}

TEST(EventLoop, CLS06_ClosedLoopRefusesWorkButCLS08ArgumentChecksComeFirst) {
  EventLoop loop;
  loop.close();
  loop.close();  // CLS-02: idempotent
  auto message_of = [](auto&& call) {
    try {
      call();
    } catch (const PyError& e) {
      return e.exc->type + ": " + e.exc->message;
    }
    return std::string("no error");
  };
  EXPECT_EQ(message_of([&] { loop.call_soon([] {}); }), "RuntimeError: Event loop is closed");
  EXPECT_EQ(message_of([&] { loop.run_forever(); }), "RuntimeError: Event loop is closed");
  EXPECT_EQ(message_of([&] { loop.call_later(std::nullopt, [] {}); }),
            "TypeError: delay must not be None");
  EXPECT_EQ(message_of([&] { loop.call_at(std::nullopt, [] {}); }),
            "TypeError: when cannot be None");
  EXPECT_EQ(message_of([&] { loop.create_future(); }), "no error");  // CLS-07
}

TEST(EventLoop, CLS01_CloseWhileRunningRaises) {
  EventLoop loop;
  std::string message;
  loop.call_soon([&] {
    try {
      loop.close();
    } catch (const PyError& e) {
      message = e.exc->message;
    }
    loop.stop();
  });
  loop.run_forever();
  EXPECT_EQ(message, "Cannot close a running event loop");
  EXPECT_FALSE(loop.is_closed());
}

TEST(EventLoop, StallsWhenNothingCanHappenAndTheFinallyResetsRunning) {
  EventLoop loop;
  EXPECT_THROW(loop.run_forever(), Stalled);
  EXPECT_FALSE(loop.is_running());
  EXPECT_EQ(loop.iterations(), 1);
}

void forever(EventLoop& loop) {
  loop.call_soon([&loop] { forever(loop); });
}

TEST(EventLoop, ARunThatDoesNotEndGivesUpAfterItsBudgetOfWork) {
  EventLoop loop(TieBreak::heap, Budget{1000, 10});
  forever(loop);
  try {
    loop.run_forever();
    FAIL() << "run_forever returned";
  } catch (const Abort& abort) {
    EXPECT_EQ(abort.status, "adapter_error");
    EXPECT_NE(abort.message.find("the model gave up"), std::string::npos);
  }
  EXPECT_LE(loop.iterations(), 1000);
  EXPECT_FALSE(loop.is_running());
}

TEST(EventLoop, ARunThatMakesTooManyFuturesGivesUp) {
  EventLoop loop(TieBreak::heap, Budget{1000, 10});
  for (int i = 0; i < 10; ++i) loop.create_future();
  EXPECT_THROW(loop.create_future(), Abort);
}

TEST(EventLoop, ORD13_CallbackRunsInTheContextCopiedWhenItWasScheduled) {
  EventLoop loop;
  nlohmann::json seen;
  loop.contexts().set_var(1);
  loop.call_soon([&] { seen = loop.contexts().get_var(); });
  loop.contexts().set_var(2);
  run_until(loop, 0);
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(loop.contexts().get_var(), 2);
}

}  // namespace
}  // namespace loopcheck::refmodel
