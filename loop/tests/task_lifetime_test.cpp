// When coroutine frames and tasks go away: frames freed as soon as their task is done, pending
// tasks reported when they are dropped ("Task was destroyed but it is pending!", EXC-10,
// CLS-12), and a loop closed or destroyed with tasks still pending leaks nothing.
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class Backend>
using TaskLifetimeTest = LoopTest<Backend>;
TYPED_TEST_SUITE(TaskLifetimeTest, AllBackends, BackendNames);

// Counts the frames alive: one is held by each coroutine below while it exists.
struct Alive {
  int* count;
  explicit Alive(int* c) : count(c) {
    if (count) ++*count;
  }
  Alive(const Alive&) = delete;
  ~Alive() {
    if (count) --*count;
  }
};

Coro<int> holds(int* alive, Future<int> gate) {
  Alive a(alive);
  co_return co_await gate;
}

TYPED_TEST(TaskLifetimeTest, AFrameIsFreedAsSoonAsItsTaskIsDone) {
  int alive = 0;
  Future<int> gate = this->loop->template create_future<int>();
  Task<int> t = this->loop->create_task(holds(&alive, gate));
  this->run_iterations(1);
  EXPECT_EQ(alive, 1);
  gate.set_result(4);
  EXPECT_EQ(this->run(t), 4);
  EXPECT_EQ(alive, 0);  // the Task handle still exists; its frame does not
}

TYPED_TEST(TaskLifetimeTest, EXC10_APendingTaskDroppedAtCloseIsReported) {
  std::vector<ExceptionContext> calls;
  this->loop->set_exception_handler([&](EventLoop&, const ExceptionContext& c) { calls.push_back(c); });
  int alive = 0;
  Future<int> never = this->loop->template create_future<int>();
  this->loop->create_task(holds(&alive, never), "forgotten");  // the handle is dropped at once
  this->run_iterations(1);
  EXPECT_EQ(alive, 1);  // the loop keeps it: its future's callback refers to it
  never = Future<int>{};
  EXPECT_TRUE(calls.empty());
  this->loop->close();  // the frame goes, and with it the last reference to the task
  EXPECT_EQ(alive, 0);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].message, "Task was destroyed but it is pending!");
  EXPECT_EQ(calls[0].keys(), (std::vector<std::string>{"message", "task"}));
  EXPECT_EQ(calls[0].value_repr("task").rfind("<Task pending name='forgotten' coro=<holds() running at ", 0), 0u)
      << calls[0].value_repr("task");
}

TYPED_TEST(TaskLifetimeTest, CLS12_ATaskStillPendingAfterCloseIsReportedWhenItGoesEvenIfItNeverRan) {
  Task<int> kept = this->loop->create_task(holds(nullptr, Future<int>{}));
  this->loop->close();  // never stepped
  EXPECT_TRUE(this->log()->messages().empty());  // still referenced here
  EXPECT_FALSE(kept.done());
  kept = Task<int>{};
  const auto messages = this->log()->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("Task was destroyed but it is pending!\ntask: <Task pending", 0), 0u)
      << messages[0];
}

TYPED_TEST(TaskLifetimeTest, RunUntilCompletesOwnTaskIsNotReportedWhenStoppedAndDropped) {
  auto body = [&]() -> Coro<void> {
    this->loop->stop();
    co_await aio::sleep(100);
  };
  EXPECT_THROW(this->run(body()), RuntimeError);  // stopped before completion
  this->loop->close();
  EXPECT_TRUE(this->log()->messages().empty());  // _log_destroy_pending = False (RUN-08)
}

TYPED_TEST(TaskLifetimeTest, TasksAwaitingEachOtherInACycleOfReferencesAreFreedAtClose) {
  int alive = 0;
  auto waits = [&](Future<int> f) -> Coro<int> {
    Alive a(&alive);
    co_return co_await f;
  };
  // Two tasks, each awaiting a future only its own frame holds, and a third awaiting both.
  Task<int> a = this->loop->create_task(waits(this->loop->template create_future<int>()));
  Task<int> b = this->loop->create_task(waits(this->loop->template create_future<int>()));
  auto both = [&]() -> Coro<int> {
    Alive x(&alive);
    co_return co_await a + co_await b;
  };
  this->loop->create_task(both());
  this->run_iterations(2);
  EXPECT_EQ(alive, 3);
  a = Task<int>{};
  b = Task<int>{};
  this->loop->close();
  EXPECT_EQ(alive, 0);
  EXPECT_EQ(this->log()->messages().size(), 3u);  // each reported once
}

TYPED_TEST(TaskLifetimeTest, TasksThatOutliveTheirLoopReportToTheLog) {
  Task<int> kept = this->loop->create_task(holds(nullptr, Future<int>{}));
  this->loop->close();
  this->loop.reset();  // destroyed with `kept` still pending
  kept = Task<int>{};
  const auto messages = this->log()->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("Task was destroyed but it is pending!", 0), 0u);
}

TYPED_TEST(TaskLifetimeTest, DBG03_CreateTaskFromAnotherThreadInDebugModeLeavesAHalfBuiltTask) {
  this->loop->set_debug(true);
  std::string error;
  this->loop->call_soon([&] {
    std::thread other([&] {
      try {
        this->loop->create_task(holds(nullptr, Future<int>{}));
      } catch (const RuntimeError& e) {
        error = e.what();
      }
    });
    other.join();
  });
  this->run_iterations(1);
  EXPECT_EQ(error, "Non-thread-safe operation invoked on an event loop other than the current one");
  const auto messages = this->log()->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("Task was destroyed but it is pending!", 0), 0u);
  EXPECT_TRUE(all_tasks(this->loop.get()).empty());  // never registered
}

}  // namespace
}  // namespace aio::testing
