// The interpreter on a handful of scenarios, each run on both backends: native (epoll, real
// time and threads) and sim (aio::sim, virtual time).
#include <gtest/gtest.h>

#include "scenario_util.h"

namespace loopcheck::aio_adapter::testing {
namespace {

using Strings = std::vector<std::string>;

class InterpreterTest : public ::testing::TestWithParam<Backend> {
 protected:
  json run(const std::string& program, std::vector<std::string> needs = {}) {
    json result = run_scenario(scenario(program, std::move(needs)), options(GetParam()));
    EXPECT_EQ(result.at("status"), "done") << result.dump(2);
    return result;
  }
  // Virtual time is exact; real time within the harness's default tolerance.
  void expect_time(const json& event, double expected) {
    ASSERT_FALSE(event.is_null());
    const double t = event.at("t");
    if (GetParam() == Backend::sim) {
      EXPECT_NEAR(t, expected, 1e-6) << event.dump();
    } else {
      EXPECT_GE(t, expected - 0.01) << event.dump();
      EXPECT_LE(t, expected + 0.1) << event.dump();
    }
  }
};

TEST_P(InterpreterTest, CallSoonRunsCallbacksInOrder) {
  json r = run(R"([{"call_soon": {"id": "a", "do": [{"record": "a"}]}},
                   {"call_soon": {"do": [{"record": {"name": "b", "value": 2}}]}},
                   {"call_soon": {"do": [{"record": "c"}, "stop"]}},
                   "run_forever", {"observe": "a.cancelled"}, "close"])");
  EXPECT_EQ(summary(r), (Strings{"record:a", "record:b", "record:c", "value:a.cancelled"}));
  EXPECT_EQ(r["trace"][1]["value"], 2);
  EXPECT_EQ(r["trace"][3]["value"], false);
  EXPECT_EQ(r["final"], (json{{"running", false}, {"closed", true}}));
}

TEST_P(InterpreterTest, TimersRunInWhenOrderAtTheirTimes) {
  json r = run(R"([{"call_later": {"delay": 0.3, "do": [{"record": "c"}, "stop"]}},
                   {"call_later": {"delay": 0.1, "do": [{"record": "a"}]}},
                   {"call_at": {"id": "h", "at": 0.2, "do": [{"record": "b"}]}},
                   {"observe": "h.when"}, "run_forever", {"observe": "time"}, "close"])");
  EXPECT_EQ(summary(r), (Strings{"value:h.when", "record:a", "record:b", "record:c", "value:time"}));
  EXPECT_EQ(r["trace"][0]["value"], 0.2);
  EXPECT_EQ(r["trace"][0]["time"], true);
  expect_time(find_event(r, "record", "a"), 0.1);
  expect_time(find_event(r, "record", "b"), 0.2);
  expect_time(find_event(r, "record", "c"), 0.3);
}

TEST_P(InterpreterTest, TaskAwaitsFutureAndReturns) {
  json r = run(R"([{"create_future": "f"},
                   {"create_task": {"id": "t", "name": "worker", "body": [
                      {"observe": {"what": "current_task", "as": "me"}},
                      {"await": {"target": "f", "as": "got"}}, {"sleep": 0.25}, {"return": "done"}]}},
                   {"call_later": {"delay": 0.5, "do": [{"set_result": {"future": "f", "value": 11}}]}},
                   {"run_until_complete": {"target": "t", "as": "result"}},
                   {"observe": "t.get_name"}, {"observe": "all_tasks"}, "close"])",
               {"tasks"});
  EXPECT_EQ(summary(r), (Strings{"value:me", "value:got", "value:result", "value:t.get_name", "value:all_tasks"}));
  EXPECT_EQ(r["trace"][0]["value"], "t");
  EXPECT_EQ(r["trace"][1]["value"], 11);
  expect_time(r["trace"][1], 0.5);
  EXPECT_EQ(r["trace"][2]["value"], "done");
  expect_time(r["trace"][2], 0.75);
  EXPECT_EQ(r["trace"][3]["value"], "worker");
  EXPECT_EQ(r["trace"][4]["value"], 0);
}

TEST_P(InterpreterTest, CancelThrowsIntoTheTaskWithItsMessage) {
  json r = run(R"([{"create_task": {"id": "t", "body": [
                      {"try": {"do": [{"sleep": 10}],
                               "except": [{"type": "CancelledError", "do": [{"record": "caught"}, "reraise"]}],
                               "finally": [{"record": "finally"}]}}]}},
                   {"call_later": {"delay": 0.1, "do": [{"cancel": {"target": "t", "msg": "go", "as": "ok"}}]}},
                   {"run_until_complete": "t"}, {"observe": "t.cancelled"}, "close"])",
               {"tasks"});
  EXPECT_EQ(summary(r), (Strings{"value:ok", "caught:CancelledError", "record:caught", "record:finally",
                                 "error:CancelledError", "value:t.cancelled"}));
  EXPECT_EQ(r["trace"][1]["message"], "go");
  EXPECT_EQ(r["trace"][4]["step"], "run_until_complete");
  EXPECT_EQ(r["trace"][4]["message"], "go");
  EXPECT_EQ(r["trace"][5]["value"], true);
}

TEST_P(InterpreterTest, ThreadsafeCallFromAThreadWakesTheLoop) {
  json r = run(R"([{"call_later": {"delay": 2, "do": [{"record": "timer"}, "stop"]}},
                   {"call_soon": {"do": [{"thread": {"id": "th", "delay": 0.02, "do": [
                      {"call_soon_threadsafe": {"do": [{"record": "from_thread"}, "stop"]}}]}}]}},
                   "run_forever", {"join_thread": "th"}, "close"])",
               {"threads"});
  EXPECT_EQ(summary(r), (Strings{"record:from_thread"}));
  expect_time(r["trace"][0], GetParam() == Backend::sim ? 0.0 : 0.02);
}

TEST_P(InterpreterTest, DebugModeRejectsCallSoonFromAnotherThread) {
  json r = run(R"([{"set_debug": true},
                   {"call_soon": {"do": [
                      {"thread": {"id": "th", "do": [{"call_soon": {"do": []}},
                                                     {"call_soon_threadsafe": {"do": [{"record": "ok"}, "stop"]}}]}},
                      {"join_thread": "th"}]}},
                   "run_forever", "close"])",
               {"threads", "debug"});
  EXPECT_EQ(summary(r), (Strings{"error:RuntimeError", "record:ok"}));
  EXPECT_EQ(r["trace"][0]["step"], "call_soon");
}

TEST_P(InterpreterTest, ReaderReadsWhatTheTimerWrote) {
  json r = run(R"([{"pipe": "p"},
                   {"read": {"fd": "p.r", "as": "nothing"}},
                   {"add_reader": {"fd": "p.r", "do": [{"read": {"fd": "p.r", "as": "data"}},
                                                       {"remove_reader": {"fd": "p.r", "as": "removed"}}, "stop"]}},
                   {"call_later": {"delay": 0.05, "do": [{"write": {"fd": "p.w", "data": "hello"}}]}},
                   "run_forever", "close"])",
               {"pipes"});
  EXPECT_EQ(summary(r), (Strings{"error:BlockingIOError", "value:data", "value:removed"}));
  EXPECT_EQ(r["trace"][0]["message"], "[Errno 11] Resource temporarily unavailable");
  EXPECT_EQ(r["trace"][1]["value"], "hello");
  expect_time(r["trace"][1], 0.05);
  EXPECT_EQ(r["trace"][2]["value"], true);
}

TEST_P(InterpreterTest, CallbackExceptionsGoToTheHandler) {
  json r = run(R"([{"set_exception_handler": "record"}, {"observe": "get_exception_handler"},
                   {"call_soon": {"do": [{"raise": {"type": "ZeroDivisionError", "message": "z"}}]}},
                   {"call_soon": {"do": [{"record": "next"}, "stop"]}},
                   "run_forever", "close"])");
  EXPECT_EQ(summary(r), (Strings{"value:get_exception_handler", "handler", "record:next"}));
  EXPECT_EQ(r["trace"][0]["value"], "record");
  const json& h = r["trace"][1];
  EXPECT_EQ(h["keys"], (json{"exception", "handle", "message"}));
  EXPECT_EQ(h["exception"], (json{{"type", "ZeroDivisionError"}, {"message", "z"}}));
  EXPECT_EQ(h["message"].get<std::string>().rfind("Exception in callback callback() at ", 0), 0u);
}

TEST_P(InterpreterTest, DefaultHandlerLogsAndKeyboardInterruptLeavesTheLoop) {
  json r = run(R"([{"call_soon": {"do": [{"raise": {"type": "ValueError", "message": "boom"}}]}},
                   {"call_soon": {"do": [{"raise": "KeyboardInterrupt"}]}},
                   {"call_soon": {"do": [{"record": "rest"}, "stop"]}},
                   "run_forever", "run_forever", "close"])",
               {"logs"});
  EXPECT_EQ(summary(r), (Strings{"log", "error:KeyboardInterrupt", "record:rest"}));
  EXPECT_EQ(r["trace"][0]["level"], "ERROR");
  EXPECT_EQ(r["trace"][1]["step"], "run_forever");
}

TEST_P(InterpreterTest, TopLevelErrorsAreTracedAndTheProgramGoesOn) {
  json r = run(R"([{"create_future": "f"}, {"observe": "f.result"}, "close",
                   {"call_later": {"delay": null, "do": []}}, {"call_soon": {"do": []}},
                   {"try": {"do": [{"raise": "SystemExit"}], "except": [{"type": "Exception", "do": []}]}},
                   {"record": "end"}])");
  EXPECT_EQ(summary(r), (Strings{"error:InvalidStateError", "error:TypeError", "error:RuntimeError",
                                 "error:SystemExit", "record:end"}));
  EXPECT_EQ(r["trace"][0]["message"], "Result is not set.");
  EXPECT_EQ(r["trace"][1]["message"], "delay must not be None");
  EXPECT_EQ(r["trace"][2]["message"], "Event loop is closed");
  EXPECT_EQ(r["trace"][3]["step"], "try");
}

INSTANTIATE_TEST_SUITE_P(Backends, InterpreterTest, ::testing::Values(Backend::native, Backend::sim),
                         [](const auto& param_info) { return std::string(backend_name(param_info.param)); });

TEST(SimDeterminism, SameSeedSameTrace) {
  const json sc = scenario(R"([
      {"call_soon": {"do": [{"thread": {"id": "a", "delay": 0.2, "do": [{"call_soon_threadsafe": {"do": [{"record": "a"}]}}]}},
                            {"thread": {"id": "b", "delay": 0.1, "do": [{"call_soon_threadsafe": {"do": [{"record": "b"}]}}]}}]}},
      {"create_task": {"id": "t", "body": [{"sleep": 0.5}, {"block": 0.125}, {"record": "task"}]}},
      {"call_later": {"delay": 1, "do": [{"observe": "time"}, "stop"]}},
      "run_forever", {"join_thread": "a"}, {"join_thread": "b"}, "close"])",
                           {"threads", "tasks"});
  json first = run_scenario(sc, options(Backend::sim, 7));
  json second = run_scenario(sc, options(Backend::sim, 7));
  ASSERT_EQ(first["status"], "done") << first.dump(2);
  EXPECT_EQ(first["trace"], second["trace"]);
  // Threads due at the same instant run in order of their delay.
  EXPECT_EQ(summary(first), (Strings{"record:b", "record:a", "record:task", "value:time"}));
  EXPECT_EQ(first["trace"][2]["t"], 0.625);
}

}  // namespace
}  // namespace loopcheck::aio_adapter::testing
