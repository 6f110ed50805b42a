// Debug mode: the environment variable, slow callbacks, the thread check, creation sites
// (DBG-01..03, DBG-05, DBG-06).
#include <thread>

#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class B>
class DebugTest : public LoopTest<B> {};
TYPED_TEST_SUITE(DebugTest, AllBackends, BackendNames);

TYPED_TEST(DebugTest, DBG01_EnvironmentVariableTurnsDebugOn) {
  EXPECT_FALSE(this->loop->get_debug());
  this->backend.setenv(DEBUG_ENV_VAR, "1");
  {
    EventLoop debug_loop(this->backend.seams());
    EXPECT_TRUE(debug_loop.get_debug());
    debug_loop.close();
  }
  this->backend.setenv(DEBUG_ENV_VAR, "");  // empty means off, as bool('') in Python
  {
    EventLoop quiet_loop(this->backend.seams());
    EXPECT_FALSE(quiet_loop.get_debug());
    quiet_loop.close();
  }
  this->backend.unsetenv(DEBUG_ENV_VAR);
}

TYPED_TEST(DebugTest, DBG02_SlowCallbackIsLoggedAtTheThreshold) {
  this->loop->set_debug(true);
  this->loop->slow_callback_duration = 0.05;
  this->loop->call_soon([this] { this->backend.block(0.05); });
  this->run_iterations(1);
  auto records = this->log()->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].level, LogLevel::warning);
  const std::string& m = records[0].message;
  EXPECT_EQ(m.rfind("Executing <Handle ", 0), 0u) << m;
  EXPECT_NE(m.find(" created at "), std::string::npos) << m;
  if constexpr (TypeParam::simulated) {
    EXPECT_TRUE(m.ends_with("> took 0.050 seconds")) << m;  // >=, exactly at the threshold
  } else {
    EXPECT_TRUE(m.ends_with(" seconds")) << m;
  }
}

TYPED_TEST(DebugTest, DBG02_FastCallbacksAndNonDebugModeAreQuiet) {
  this->loop->slow_callback_duration = 0.05;
  this->loop->call_soon([this] { this->backend.block(0.06); });  // debug off: no warning
  this->run_iterations(1);
  EXPECT_TRUE(this->log()->records().empty());
  if constexpr (TypeParam::simulated) {
    this->loop->set_debug(true);
    this->loop->call_soon([this] { this->backend.block(0.049); });
    this->run_iterations(1);
    EXPECT_TRUE(this->log()->records().empty());
  }
}

TYPED_TEST(DebugTest, DBG03_NonThreadSafeCallFromAnotherThreadRaisesInDebugMode) {
  this->loop->set_debug(true);
  std::vector<std::string> errors;
  this->loop->call_soon([&] {
    std::thread other([&] {
      for (int i = 0; i < 3; ++i) {
        try {
          if (i == 0) this->loop->call_soon([] {});
          if (i == 1) this->loop->call_later(1, [] {});
          if (i == 2) this->loop->call_at(1, [] {});
        } catch (const RuntimeError& e) {
          errors.push_back(e.what());
        }
      }
      // call_soon_threadsafe never checks.
      this->loop->call_soon_threadsafe([this] { this->loop->stop(); });
    });
    other.join();
  });
  this->loop->run_forever();
  ASSERT_EQ(errors.size(), 3u);
  for (const std::string& e : errors)
    EXPECT_EQ(e, "Non-thread-safe operation invoked on an event loop other than the current one");
}

TYPED_TEST(DebugTest, DBG03_NoCheckWhenNotRunningOrNotDebug) {
  this->loop->set_debug(true);
  std::thread other([&] { this->loop->call_soon([] {}); });  // not running: allowed
  other.join();
  EXPECT_EQ(this->loop->ready_count(), 1u);
  this->run_iterations(1);
}

TYPED_TEST(DebugTest, DBG05_HandlesRecordWhereTheyWereCreated) {
  this->loop->set_debug(true);
  Handle h = this->loop->call_soon([] {});
  const unsigned line = __LINE__ - 1;
  TimerHandle t = this->loop->call_later(5, [] {});
  EXPECT_EQ(h.source_location().line, line);
  const std::string suffix = "debug_test.cpp:" + std::to_string(line) + ">";
  EXPECT_TRUE(h.repr().ends_with(suffix)) << h.repr();
  EXPECT_NE(h.repr().find(" created at "), std::string::npos);
  EXPECT_NE(t.repr().find(" created at "), std::string::npos);
  EXPECT_EQ(t.repr().rfind("<TimerHandle when=", 0), 0u) << t.repr();
  t.cancel();
  this->run_iterations(1);
}

TYPED_TEST(DebugTest, DBG05_ThreadsafeHandlesRecordWhereTheyWereCreatedToo) {
  this->loop->set_debug(true);
  Handle h = this->loop->call_soon_threadsafe([](int) {}, 1);
  const unsigned line = __LINE__ - 1;
  EXPECT_EQ(h.source_location().line, line);
  EXPECT_TRUE(h.repr().ends_with("debug_test.cpp:" + std::to_string(line) + ">")) << h.repr();
  this->run_iterations(1);
}

TYPED_TEST(DebugTest, DBG05_WithoutDebugTheReprHasNoCreationSite) {
  Handle h = this->loop->call_soon([] {});
  EXPECT_EQ(h.repr().find(" created at "), std::string::npos) << h.repr();
  EXPECT_EQ(h.repr().rfind("<Handle ", 0), 0u);
  this->run_iterations(1);
}

TYPED_TEST(DebugTest, DBG06_CloseInDebugModeLogsAtDebugLevel) {
  this->loop->set_debug(true);
  this->loop->close();
  auto messages = this->log()->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("Close <EventLoop", 0), 0u) << messages[0];
}

TYPED_TEST(DebugTest, DBG06_EveryLoopLogsItsSelectorAtCreation) {
  EventLoop other(this->backend.seams());
  auto messages = this->log()->messages();
  ASSERT_EQ(messages.size(), 1u);
  const std::string expected = TypeParam::simulated ? "SimSelector" : "EpollSelector";
  EXPECT_EQ(messages[0], "Using selector: " + expected);
  other.close();
}

}  // namespace
}  // namespace aio::testing
