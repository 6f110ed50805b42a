// aio::run (asyncio.run) and the loop policy's basics (RUN-18, RUN-19, FUT-12).
#include <string>
#include <thread>
#include <vector>

#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class Backend>
using RunnersTest = LoopTest<Backend>;
TYPED_TEST_SUITE(RunnersTest, AllBackends, BackendNames);

// What was logged at WARNING and above (each new loop logs its selector at DEBUG).
std::vector<std::string> warnings(const CapturingLogSink& sink) {
  std::vector<std::string> out;
  for (const LogRecord& r : sink.records())
    if (r.level >= LogLevel::warning) out.push_back(r.message);
  return out;
}

TYPED_TEST(RunnersTest, RunRunsTheCoroutineOnANewLoopAndClosesIt) {
  EventLoop* used = nullptr;
  auto main_coro = [&]() -> Coro<int> {
    used = &get_running_loop();
    EXPECT_EQ(&get_event_loop(), used);  // the running loop
    co_await aio::sleep(0.01);
    co_return 11;
  };
  EXPECT_EQ(aio::run(main_coro(), this->backend.seams()), 11);
  EXPECT_NE(used, nullptr);
  EXPECT_NE(used, this->loop.get());
}

TYPED_TEST(RunnersTest, RUN18_RunFromARunningLoopRaises) {
  std::string error;
  auto nothing = []() -> Coro<void> { co_return; };
  this->loop->call_soon([&] {
    try {
      aio::run(nothing(), this->backend.seams());
    } catch (const RuntimeError& e) {
      error = e.what();
    }
  });
  this->run_iterations(1);
  EXPECT_EQ(error, "asyncio.run() cannot be called from a running event loop");
  EXPECT_THROW(aio::run(Coro<void>{}, this->backend.seams()), ValueError);
}

TYPED_TEST(RunnersTest, RUN19_ShutdownCancelsWhatIsLeftReportsFailuresAndClosesTheLoop) {
  std::vector<std::string> events;
  auto background = [&]() -> Coro<void> {
    try {
      co_await aio::sleep(3600);
    } catch (const CancelledError&) {
      events.push_back("background cancelled");
      throw;
    }
  };
  auto fails_when_cancelled = [&]() -> Coro<void> {
    try {
      co_await aio::sleep(3600);
    } catch (const CancelledError&) {
      events.push_back("failing task cancelled");
    }
    throw ValueError("during shutdown");
  };
  auto main_coro = [&]() -> Coro<void> {
    create_task(background(), "bg");
    create_task(fails_when_cancelled(), "bad");
    co_await get_running_loop().run_in_executor(nullptr, [] {});  // a default executor to shut down
    co_await aio::sleep(0);
    events.push_back("main done");
  };
  aio::run(main_coro(), this->backend.seams());
  EXPECT_EQ(events, (std::vector<std::string>{"main done", "background cancelled", "failing task cancelled"}));
  const auto messages = warnings(*this->log());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("unhandled exception during asyncio.run() shutdown\ntask: <Task finished name='bad'", 0), 0u)
      << messages[0];
  EXPECT_THROW(get_event_loop(), RuntimeError);  // set_event_loop(None) was called
}

TYPED_TEST(RunnersTest, RunPropagatesTheCoroutinesExceptionAfterShuttingDown) {
  auto fails = []() -> Coro<int> {
    co_await aio::sleep(0);
    throw ValueError("main failed");
  };
  EXPECT_THROW(aio::run(fails(), this->backend.seams()), ValueError);
  EXPECT_TRUE(warnings(*this->log()).empty());
}

TYPED_TEST(RunnersTest, FUT12_SetAndGetTheCurrentLoop) {
  set_event_loop(this->loop.get());
  EXPECT_EQ(&get_event_loop(), this->loop.get());
  set_event_loop(nullptr);
  try {
    get_event_loop();
    ADD_FAILURE();
  } catch (const RuntimeError& e) {
    EXPECT_STREQ(e.what(), "There is no current event loop in thread 'MainThread'.");
  }
  std::string other_thread;
  std::thread([&] {
    try {
      get_event_loop();
    } catch (const RuntimeError& e) {
      other_thread = e.what();
    }
  }).join();
  EXPECT_EQ(other_thread.rfind("There is no current event loop in thread 'Thread-", 0), 0u) << other_thread;
}

TEST(EventLoopPolicyDeathTest, FUT12_TheMainThreadGetsALoopOnFirstUseWithoutAWarning) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // a fresh process: no set_event_loop yet
  EXPECT_EXIT(
      {
        EventLoop& first = get_event_loop();
        EventLoop& second = get_event_loop();
        std::_Exit(&first == &second && !first.is_closed() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace aio::testing
