// Tasks (tasks.py): scheduling of steps, iteration counts, names, the task factory,
// current_task/all_tasks, what steps do with outcomes and awaits, gather's order (ORD-14,
// ORD-20, FUT-06..11, FUT-13).
#include <string>
#include <vector>

#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class Backend>
using TaskTest = LoopTest<Backend>;
TYPED_TEST_SUITE(TaskTest, AllBackends, BackendNames);

Coro<void> steps(std::vector<std::string>& out, std::string name, int n) {
  for (int i = 1; i <= n; ++i) {
    out.push_back(name + " step" + std::to_string(i));
    co_await aio::sleep(0);
  }
}

Coro<void> nothing() { co_return; }
Coro<int> answer() { co_return 42; }
Coro<void> await_future(Future<int> f) { co_await f; }
Coro<void> sleeps(int k) {
  for (int i = 0; i < k; ++i) co_await aio::sleep(0);
}
Coro<int> await_task(EventLoop& loop) { co_return co_await loop.create_task(answer()); }

TYPED_TEST(TaskTest, ORD14_TheFirstStepIsQueuedWithCallSoonInTheConstructor) {
  std::vector<std::string> out;
  this->loop->call_soon([&] { out.push_back("soon A"); });
  Task<void> t1 = this->loop->create_task(steps(out, "task1", 2));
  this->loop->call_soon([&] { out.push_back("soon B"); });
  Task<void> t2 = this->loop->create_task(steps(out, "task2", 2));
  this->run(t2);
  EXPECT_EQ(out, (std::vector<std::string>{"soon A", "task1 step1", "soon B", "task2 step1",
                                           "task1 step2", "task2 step2"}));
  EXPECT_TRUE(t1.done());
}

TYPED_TEST(TaskTest, ORD20_IterationCountsMatchCPython) {
  auto iterations = [&](auto&& body) {
    const auto before = this->loop->iteration_count();
    body();
    return this->loop->iteration_count() - before;
  };
  EXPECT_EQ(iterations([&] { this->run(nothing()); }), 2u);
  // A task awaiting a future that a call_soon callback resolves.
  EXPECT_EQ(iterations([&] {
              Future<int> f = this->loop->template create_future<int>();
              Task<void> t = this->loop->create_task(await_future(f));
              this->loop->call_soon([f] { f.set_result(1); });
              this->run(t);
            }),
            3u);
  // The same, with the callback scheduled by the task's first step: one more.
  EXPECT_EQ(iterations([&] {
              Future<int> f = this->loop->template create_future<int>();
              auto body = [&]() -> Coro<void> {
                this->loop->call_soon([f] { f.set_result(1); });
                co_await f;
              };
              this->run(body());
            }),
            4u);
  for (int k : {1, 3, 5}) EXPECT_EQ(iterations([&] { this->run(sleeps(k)); }), std::uint64_t(k) + 2);
  EXPECT_EQ(iterations([&] { EXPECT_EQ(this->run(await_task(*this->loop)), 42); }), 4u);
}

TYPED_TEST(TaskTest, ORD20_ASleepingTaskResumesTheIterationAfterItsTimerFires) {
  std::uint64_t timer_iteration = 0, resumed_iteration = 0;
  auto body = [&]() -> Coro<void> {
    co_await aio::sleep(0.01);
    resumed_iteration = this->loop->iteration_count();
  };
  Task<void> t = this->loop->create_task(body());
  // A timer scheduled after the task's: due in the same iteration as the sleep's timer.
  this->loop->call_soon([&] {
    this->loop->call_later(0.01, [&] { timer_iteration = this->loop->iteration_count(); });
  });
  this->run(t);
  ASSERT_NE(timer_iteration, 0u);
  EXPECT_EQ(resumed_iteration, timer_iteration + 1);
}

TYPED_TEST(TaskTest, FUT07_TasksWithoutANameAreNumberedFromOneProcessWide) {
  Task<void> a = this->loop->create_task(nothing());
  Task<void> b = this->loop->create_task(nothing());
  Task<void> named = this->loop->create_task(nothing(), "named");
  const std::string an = a.get_name(), bn = b.get_name();
  ASSERT_EQ(an.rfind("Task-", 0), 0u);
  EXPECT_EQ(std::stoul(bn.substr(5)), std::stoul(an.substr(5)) + 1);
  EXPECT_EQ(named.get_name(), "named");
  named.set_name("renamed");
  EXPECT_EQ(named.get_name(), "renamed");
  this->run(b);
}

TYPED_TEST(TaskTest, FUT08_TheTaskFactoryMakesTasksAndGetsTheContextOnlyWhenGiven) {
  std::vector<std::string> calls;
  this->loop->set_task_factory([&](EventLoop& l, AnyCoro coro, std::optional<Context> context) {
    calls.push_back(context ? "with context" : "without context");
    return std::move(coro).make_task(l, std::move(context));
  });
  EXPECT_TRUE(static_cast<bool>(this->loop->get_task_factory()));
  Task<int> t = this->loop->create_task(answer(), "from factory");
  EXPECT_EQ(t.get_name(), "from factory");  // set after the factory returned
  Task<void> u = this->loop->create_task(nothing(), std::nullopt, Context{});
  EXPECT_EQ(calls, (std::vector<std::string>{"without context", "with context"}));
  EXPECT_EQ(this->run(t), 42);
  this->run(u);
  // A factory returning a task of another type is refused.
  this->loop->set_task_factory([](EventLoop& l, AnyCoro, std::optional<Context>) {
    return AnyCoro(nothing()).make_task(l, std::nullopt);  // a Task<void> for a Coro<int>
  });
  EXPECT_THROW(this->loop->create_task(answer()), TypeError);
  this->loop->set_task_factory({});
  EXPECT_FALSE(static_cast<bool>(this->loop->get_task_factory()));
  this->run_iterations(1);
  // On a closed loop create_task raises before calling the factory.
  int factory_calls = 0;
  this->loop->set_task_factory([&](EventLoop& l, AnyCoro coro, std::optional<Context> ctx) {
    ++factory_calls;
    return std::move(coro).make_task(l, std::move(ctx));
  });
  this->loop->close();
  try {
    this->loop->create_task(nothing());
    ADD_FAILURE() << "no exception";
  } catch (const RuntimeError& e) {
    EXPECT_STREQ(e.what(), "Event loop is closed");
  }
  EXPECT_EQ(factory_calls, 0);
}

TYPED_TEST(TaskTest, FUT09_AnEmptyCoroutineIsNotATask) {
  EXPECT_THROW(this->loop->create_task(Coro<void>{}), TypeError);
  EXPECT_TRUE(this->log()->messages().empty());  // nothing half-built is reported later
}

TYPED_TEST(TaskTest, FUT10_CurrentTaskAndAllTasks) {
  EXPECT_THROW(current_task(), RuntimeError);  // no running loop
  EXPECT_THROW(all_tasks(), RuntimeError);
  EXPECT_FALSE(current_task(this->loop.get()));
  Future<void> gate = this->loop->create_future();
  TaskBase seen;
  std::size_t count_inside = 0;
  auto body = [&]() -> Coro<void> {
    seen = current_task();
    count_inside = all_tasks().size();
    co_await gate;
  };
  Task<void> t = this->loop->create_task(body());
  Task<void> other = this->loop->create_task(nothing());
  this->run_iterations(1);
  EXPECT_TRUE(seen == t);
  EXPECT_EQ(count_inside, 2u);
  EXPECT_TRUE(other.done());
  EXPECT_EQ(all_tasks(this->loop.get()).size(), 1u);  // done tasks are not listed
  this->loop->call_soon([&] { EXPECT_FALSE(current_task()); });  // outside a step: none
  gate.set_result();
  this->run(t);
  EXPECT_TRUE(all_tasks(this->loop.get()).empty());
}

TYPED_TEST(TaskTest, FUT11_HowAStepEnds) {
  auto returns = []() -> Coro<int> { co_return 5; };
  auto raises = []() -> Coro<int> {
    throw ValueError("v");
    co_return 0;
  };
  auto raises_cancelled = []() -> Coro<int> {
    throw CancelledError("self");
    co_return 0;
  };
  Task<int> ok = this->loop->create_task(returns());
  Task<int> failed = this->loop->create_task(raises());
  Task<int> cancelled = this->loop->create_task(raises_cancelled());
  this->run_iterations(1);
  EXPECT_EQ(ok.result(), 5);
  EXPECT_THROW(failed.result(), ValueError);
  EXPECT_TRUE(cancelled.cancelled());  // CAN-15
  // KeyboardInterrupt: the task gets it as its exception and it leaves the loop (RUN-16).
  auto interrupts = []() -> Coro<void> {
    throw KeyboardInterrupt();
    co_return;
  };
  Task<void> k = this->loop->create_task(interrupts());
  EXPECT_THROW(this->run_iterations(1), KeyboardInterrupt);
  EXPECT_FALSE(this->loop->is_running());
  EXPECT_TRUE(k.done());
  EXPECT_THROW(k.result(), KeyboardInterrupt);
}

TYPED_TEST(TaskTest, FUT06_AwaitingAFutureOfAnotherLoopOrItselfFails) {
  EventLoop other(this->backend.seams());
  Future<int> foreign = other.template create_future<int>();
  std::string error;
  auto body = [&]() -> Coro<void> {
    try {
      co_await foreign;
    } catch (const RuntimeError& e) {
      error = e.what();
    }
  };
  this->run(body());
  EXPECT_NE(error.find("got Future <Future pending> attached to a different loop"), std::string::npos)
      << error;
  Task<void> self;
  auto awaits_itself = [&]() -> Coro<void> { co_await self; };
  self = this->loop->create_task(awaits_itself());
  EXPECT_THROW(this->run(self), RuntimeError);
  EXPECT_NE(describe_exception(self.exception()).find("Task cannot await on itself: <Task pending"),
            std::string::npos);
  foreign.cancel();
  other.close();
}

TYPED_TEST(TaskTest, FUT13_GatherStartsChildrenInArgumentOrderAndKeepsResultOrder) {
  std::vector<int> started;
  auto child = [&](int n) -> Coro<int> {
    started.push_back(n);
    co_await aio::sleep(0.001 * n);
    co_return n * 10;
  };
  auto body = [&]() -> Coro<std::vector<int>> {
    std::vector<Future<int>> children{this->loop->create_task(child(3)), this->loop->create_task(child(1)),
                                      this->loop->create_task(child(2))};
    co_return co_await gather(children);
  };
  EXPECT_EQ(this->run(body()), (std::vector<int>{30, 10, 20}));
  EXPECT_EQ(started, (std::vector<int>{3, 1, 2}));
}

TYPED_TEST(TaskTest, FUT13_GatherFailsWithTheFirstErrorUnlessExceptionsAreReturned) {
  auto ok = []() -> Coro<int> { co_return 1; };
  auto bad = []() -> Coro<int> {
    co_await aio::sleep(0);
    throw ValueError("bad");
  };
  Task<int> a = this->loop->create_task(ok());
  Task<int> b = this->loop->create_task(bad());
  Future<std::vector<int>> all = gather(std::vector<Future<int>>{a, b});
  EXPECT_EQ(all.repr(), "<_GatheringFuture pending>");
  EXPECT_THROW(this->run(all), ValueError);
  Task<int> c = this->loop->create_task(bad());
  Task<int> d = this->loop->create_task(ok());
  auto outcomes = this->run(gather(std::vector<FutureBase>{c, d}, return_exceptions));
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(describe_exception(outcomes[0]), "ValueError: bad");
  EXPECT_EQ(outcomes[1], nullptr);
}

TYPED_TEST(TaskTest, TaskReprsFollowTheCTask) {
  Future<int> gate = this->loop->template create_future<int>();
  Task<void> t = this->loop->create_task(await_future(gate), "T");
  this->run_iterations(1);
  const std::string pending = t.repr();
  EXPECT_EQ(pending.rfind("<Task pending name='T' coro=<await_future() running at ", 0), 0u) << pending;
  EXPECT_NE(pending.find(" wait_for=<Future pending cb=[Task.task_wakeup()]>>"), std::string::npos)
      << pending;
  t.cancel();
  EXPECT_EQ(t.repr().rfind("<Task cancelling name='T'", 0), 0u) << t.repr();  // CAN-22
  this->run_iterations(1);
  EXPECT_EQ(t.repr().rfind("<Task cancelled name='T' coro=<await_future() done, defined at ", 0), 0u)
      << t.repr();
  Task<int> r = this->loop->create_task(answer(), "R");
  this->run(r);
  EXPECT_TRUE(r.repr().ends_with(" result=42>")) << r.repr();
}

TYPED_TEST(TaskTest, DBG05_TasksRecordWhereTheyWereCreatedInDebugMode) {
  this->loop->set_debug(true);
  Task<void> t = this->loop->create_task(nothing());
  const unsigned line = __LINE__ - 1;
  EXPECT_NE(t.repr().find("created at " + std::string(__FILE__) + ":" + std::to_string(line)),
            std::string::npos)
      << t.repr();
  this->run(t);
}

TYPED_TEST(TaskTest, DBG02_ASlowTaskStepIsLoggedAsTheTask) {
  this->loop->set_debug(true);
  auto slow = [&]() -> Coro<void> {
    this->backend.block(0.15);
    co_return;
  };
  this->run(this->loop->create_task(slow(), "slow"));
  std::vector<std::string> slow_lines;
  for (const std::string& m : this->log()->messages())
    if (m.rfind("Executing ", 0) == 0) slow_lines.push_back(m);
  ASSERT_EQ(slow_lines.size(), 1u);
  EXPECT_EQ(slow_lines[0].rfind("Executing <Task finished name='slow' coro=<", 0), 0u) << slow_lines[0];
  EXPECT_NE(slow_lines[0].find(" took 0.1"), std::string::npos) << slow_lines[0];
}

TYPED_TEST(TaskTest, AwaitingACoroutineRunsItInlineAndReusingItFails) {
  auto body = [&]() -> Coro<int> {
    Coro<int> c = answer();
    const int first = co_await c;
    try {
      co_await c;
    } catch (const RuntimeError& e) {
      EXPECT_STREQ(e.what(), "cannot reuse already awaited coroutine");
    }
    co_return first;
  };
  EXPECT_EQ(this->run(body()), 42);
}

TYPED_TEST(TaskTest, DeepChainsOfAwaitedCoroutinesUseNoStack) {
  struct Deep {
    static Coro<int> down(int n) {
      if (n == 0) co_return 0;
      co_return 1 + co_await down(n - 1);
    }
  };
  EXPECT_EQ(this->run(Deep::down(100000)), 100000);
}

}  // namespace
}  // namespace aio::testing
