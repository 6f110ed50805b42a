// Threads and executors: call_soon_threadsafe's wake-up, run_in_executor and the default
// executor's life (THR-01..07, CLS-04). On the simulator, "another thread" is a world event and
// executor work happens at seeded virtual times, without threads.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>

#include "aio/sim/sim_executor.h"
#include "aio/thread_pool_executor.h"
#include "loop_fixture.h"
#include "recording_selector.h"

namespace aio::testing {
namespace {

template <class B>
class ExecutorTest : public LoopTest<B> {
 protected:
  // An executor with one worker, so that work queued behind a running job has not started.
  std::shared_ptr<Executor> one_worker() {
    if constexpr (B::simulated)
      return std::make_shared<sim::SimExecutor>(this->backend.world, "one");
    else
      return std::make_shared<ThreadPoolExecutor>(1, "one");
  }
  RecordingSelector& record_selects() {
    this->loop->close();
    Seams seams = this->backend.seams();
    auto recorder = std::make_shared<RecordingSelector>(seams.selector);
    seams.selector = recorder;
    this->loop = std::make_unique<EventLoop>(seams);
    return *recorder;
  }
};
TYPED_TEST_SUITE(ExecutorTest, AllBackends, BackendNames);

// Work that takes a while on a real worker thread; on the simulator the executor's own virtual
// latency stands for it (tests on the simulator never sleep).
template <class B>
void busy_for(int milliseconds) {
  if constexpr (!B::simulated) std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
}

template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no exception>";
}

TYPED_TEST(ExecutorTest, THR02_PlainCallSoonFromAnotherThreadDoesNotWakeTheLoop) {
  if constexpr (TypeParam::simulated) {
    // The other "thread" calls plain call_soon while the loop waits for a 1 s timer: the
    // callback waits for the timer's wake-up (CPython: 1.0 s).
    double ran_at = -1;
    const double start = this->loop->time();
    this->loop->call_later(1.0, [] {});
    this->backend.in_other_thread(0.1, [&] {
      this->loop->call_soon([&] {
        ran_at = this->loop->time();
        this->loop->stop();
      });
    });
    this->loop->run_forever();
    EXPECT_DOUBLE_EQ(ran_at - start, 1.0);
  } else {
    // On a real kernel that call is a data race (call_soon is not thread-safe); what aio
    // promises is that debug mode refuses it (DBG-03), so nobody relies on it.
    this->loop->set_debug(true);
    std::string error;
    this->loop->call_later(0.05, [this] { this->loop->stop(); });
    this->backend.in_other_thread(0.01, [&] {
      error = error_of<RuntimeError>([&] { this->loop->call_soon([] {}); });
    });
    this->loop->run_forever();
    this->backend.join_threads();
    EXPECT_EQ(error, "Non-thread-safe operation invoked on an event loop other than the current one");
  }
}

TYPED_TEST(ExecutorTest, THR03_OneWakeUpPerBatchAndNoneOnceClosed) {
  RecordingSelector& selects = this->record_selects();
  std::vector<int> ran;
  this->loop->call_later(30.0, [] {});
  this->backend.in_other_thread(0.01, [&] {
    for (int i = 0; i < 100; ++i) this->loop->call_soon_threadsafe([&ran, i] { ran.push_back(i); });
    this->loop->call_soon_threadsafe([this] { this->loop->stop(); });
  });
  this->loop->run_forever();
  this->backend.join_threads();
  ASSERT_EQ(ran.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ran[static_cast<std::size_t>(i)], i);
  EXPECT_LE(selects.wakeups.load(), 101);
  EXPECT_GE(selects.wakeups.load(), 1);
  this->loop->close();
  const int before = selects.wakeups.load();
  EXPECT_EQ(error_of<RuntimeError>([&] { this->loop->call_soon_threadsafe([] {}); }), "Event loop is closed");
  EXPECT_EQ(selects.wakeups.load(), before);  // the closed loop's selector is never touched
}

TYPED_TEST(ExecutorTest, THR04_RunInExecutorGivesAFutureOfTheResult) {
  std::string thread_name;
  auto body = [&]() -> Coro<int> {
    int r = co_await this->loop->run_in_executor(nullptr, [&](int a, int b) {
      char name[32] = {};
      pthread_getname_np(pthread_self(), name, sizeof name);
      thread_name = name;
      return a * b;
    }, 6, 7);
    co_return r;
  };
  EXPECT_EQ(this->run(body()), 42);
  if constexpr (!TypeParam::simulated) {
    EXPECT_EQ(thread_name, "asyncio_0");  // ThreadPoolExecutor(thread_name_prefix='asyncio')
  } else {
    const auto& trace = this->backend.world.trace_lines();
    EXPECT_NE(std::find_if(trace.begin(), trace.end(),
                           [](const std::string& l) { return l.ends_with(" event asyncio"); }),
              trace.end());
  }
  auto fails = [&]() -> Coro<void> {
    co_await this->loop->run_in_executor(nullptr, [] { throw ValueError("in worker"); });
  };
  EXPECT_THROW(this->run(fails()), ValueError);
}

TYPED_TEST(ExecutorTest, THR04_CancellingTheFutureBeforeTheWorkStartsKeepsItFromRunning) {
  std::shared_ptr<Executor> executor = this->one_worker();
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<bool> second_ran{false};
  Future<void> first = this->loop->run_in_executor(executor, [&] {
    std::unique_lock<std::mutex> lock(m);
    cv.wait_for(lock, std::chrono::seconds(5), [&] { return release; });
  });
  Future<void> second = this->loop->run_in_executor(executor, [&] { second_ran = true; });
  EXPECT_TRUE(second.cancel());
  this->run_iterations(1);  // the cancel hook runs
  {
    std::lock_guard<std::mutex> lock(m);
    release = true;
  }
  cv.notify_all();
  this->run(first);
  executor->shutdown(/*wait=*/true);
  EXPECT_FALSE(second_ran.load());
  EXPECT_TRUE(second.cancelled());
}

TYPED_TEST(ExecutorTest, THR04_AResultArrivingAfterCloseIsDroppedQuietly) {
  std::shared_ptr<Executor> executor = this->one_worker();
  Future<int> f = this->loop->run_in_executor(executor, [] {
    busy_for<TypeParam>(20);
    return 1;
  });
  this->loop->close();
  executor->shutdown(/*wait=*/true);  // the work finishes; its result finds the loop closed
  EXPECT_FALSE(f.done());
  EXPECT_TRUE(this->log()->messages().empty());
}

TYPED_TEST(ExecutorTest, THR05_TheDefaultExecutorRefusesWorkAfterShutdownButOthersDoNot) {
  this->run(this->loop->shutdown_default_executor());
  EXPECT_EQ(error_of<RuntimeError>([&] { this->loop->run_in_executor(nullptr, [] {}); }),
            "Executor shutdown has been called");
  std::shared_ptr<Executor> executor = this->one_worker();
  EXPECT_EQ(this->run(this->loop->run_in_executor(executor, [] { return 3; })), 3);
  executor->shutdown();
  this->loop->close();
  EXPECT_EQ(error_of<RuntimeError>([&] { this->loop->run_in_executor(executor, [] {}); }),
            "Event loop is closed");  // the closed check comes first
}

TYPED_TEST(ExecutorTest, THR06_SetDefaultExecutorNeedsOneAndDoesNotUndoAShutdown) {
  EXPECT_EQ(error_of<TypeError>([&] { this->loop->set_default_executor(nullptr); }),
            "executor must be ThreadPoolExecutor instance");
  std::shared_ptr<Executor> mine = this->one_worker();
  this->loop->set_default_executor(mine);
  EXPECT_EQ(this->run(this->loop->run_in_executor(nullptr, [] { return 5; })), 5);
  this->run(this->loop->shutdown_default_executor());
  this->loop->set_default_executor(this->one_worker());
  EXPECT_EQ(error_of<RuntimeError>([&] { this->loop->run_in_executor(nullptr, [] {}); }),
            "Executor shutdown has been called");
}

TYPED_TEST(ExecutorTest, THR07_ShutdownDefaultExecutorWaitsForTheWorkWithoutBlockingTheLoop) {
  // Without a default executor: only the flag.
  const auto before = this->loop->iteration_count();
  this->run(this->loop->shutdown_default_executor());
  EXPECT_EQ(this->loop->iteration_count() - before, 2u);
  // With one: the coroutine ends after the work did, and the loop kept running meanwhile.
  EventLoop other(this->backend.seams());
  std::atomic<bool> work_done{false};
  int ticks = 0;
  Future<void> work = other.run_in_executor(nullptr, [&] {
    busy_for<TypeParam>(30);
    work_done = true;
  });
  std::function<void()> tick = [&] {
    ++ticks;
    other.call_later(0.005, tick);
  };
  other.call_soon(tick);
  auto shutdown = [&]() -> Coro<bool> {
    co_await other.shutdown_default_executor();
    co_return work_done.load();
  };
  EXPECT_TRUE(other.run_until_complete(shutdown()));
  EXPECT_TRUE(work.done());
  EXPECT_GE(ticks, TypeParam::simulated ? 1 : 2);  // the loop ran while the executor shut down
  other.close();
}

TYPED_TEST(ExecutorTest, CLS04_CloseShutsTheDefaultExecutorDownWithoutWaiting) {
  std::atomic<bool> finished{false};
  Future<void> f = this->loop->run_in_executor(nullptr, [&] {
    busy_for<TypeParam>(50);
    finished = true;
  });
  this->loop->close();
  EXPECT_FALSE(finished.load());  // close() did not wait
  EXPECT_EQ(error_of<RuntimeError>([&] { this->loop->run_in_executor(nullptr, [] {}); }),
            "Event loop is closed");
  this->loop.reset();  // destroying the loop does wait for its workers
  if constexpr (!TypeParam::simulated) {
    EXPECT_TRUE(finished.load());
  }
}

}  // namespace
}  // namespace aio::testing
