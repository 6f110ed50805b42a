// Bad input and the statuses other than `done`: invalid scenarios (with the path of the
// problem), ids used before they exist, a simulated loop that would wait forever, skips,
// and describe().
#include <gtest/gtest.h>

#include "scenario_util.h"

namespace loopcheck::aio_adapter::testing {
namespace {

json run_sim(const json& sc) { return run_scenario(sc, options(Backend::sim)); }

void expect_invalid(const json& result, const std::string& path, const std::string& message_part) {
  EXPECT_EQ(result.at("status"), "invalid") << result.dump(2);
  EXPECT_EQ(result["error"].value("path", ""), path) << result.dump(2);
  const std::string message = result["error"]["message"];
  EXPECT_NE(message.find(message_part), std::string::npos) << message;
  EXPECT_TRUE(result.contains("duration"));
}

TEST(InvalidScenario, NotAMapping) {
  json r = run_sim(json::array({1, 2}));
  expect_invalid(r, "/", "scenario: /: a scenario is a mapping");
}

TEST(InvalidScenario, MissingKeyAndUnknownKey) {
  json sc = scenario("[]");
  sc.erase("title");
  expect_invalid(run_sim(sc), "/", "test/inline: /: missing key 'title'");
  sc = scenario("[]");
  sc["colour"] = "blue";
  expect_invalid(run_sim(sc), "/colour", "unknown key 'colour'");
}

TEST(InvalidScenario, UnknownOperation) {
  expect_invalid(run_sim(scenario(R"(["run_forevr"])")), "/program/0", "unknown operation 'run_forevr'");
}

TEST(InvalidScenario, WrongFieldTypeNamesThePath) {
  json r = run_sim(scenario(R"(["stop", {"call_later": {"delay": "1", "do": []}}])"));
  expect_invalid(r, "/program/1/call_later/delay", "expected a number or null, got '1'");
}

TEST(InvalidScenario, UnknownFieldAndMissingField) {
  expect_invalid(run_sim(scenario(R"([{"call_soon": {"do": [], "dleay": 1}}])")), "/program/0/call_soon/dleay",
                 "unknown field 'dleay'");
  expect_invalid(run_sim(scenario(R"([{"call_later": {"do": []}}])")), "/program/0/call_later",
                 "call_later needs field 'delay'");
}

TEST(InvalidScenario, TaskOnlyStepsOutsideTasks) {
  expect_invalid(run_sim(scenario(R"([{"call_soon": {"do": [{"sleep": 1}]}}])")), "/program/0/call_soon/do/0/sleep",
                 "sleep is only allowed in a task body");
  expect_invalid(run_sim(scenario(R"(["reraise"])")), "/program/0/reraise", "only allowed inside an except clause");
}

TEST(InvalidScenario, IdsAndReferences) {
  expect_invalid(run_sim(scenario(R"([{"create_future": "f"}, {"create_future": "f"}])")),
                 "/program/1/create_future/id", "id 'f' is already defined at /program/0/create_future/id");
  expect_invalid(run_sim(scenario(R"([{"cancel": "nope"}])")), "/program/0/cancel/target", "unknown id 'nope'");
  expect_invalid(run_sim(scenario(R"([{"create_future": "f"}, {"uncancel": "f"}])", {"tasks"})),
                 "/program/1/uncancel/task", "'f' is a future; expected task");
  expect_invalid(run_sim(scenario(R"([{"pipe": "p"}, {"read": "p.a"}])", {"pipes"})), "/program/1/read/fd",
                 "a pipe has ends r and w");
}

TEST(InvalidScenario, NeedsMustListWhatTheProgramUses) {
  expect_invalid(run_sim(scenario(R"([{"pipe": "p"}])")), "/needs", "the program uses pipes");
}

TEST(InvalidScenario, IdUsedBeforeItsStepRan) {
  json r = run_sim(scenario(R"([{"call_soon": {"do": [{"cancel": "h"}, "stop"]}}, "run_forever",
                                {"call_soon": {"id": "h", "do": []}}])"));
  EXPECT_EQ(r["status"], "invalid") << r.dump(2);
  EXPECT_EQ(r["error"]["message"], "test/inline: 'h' is used before the step that creates it ran");
  EXPECT_FALSE(r["final"].is_null());
}

TEST(Statuses, SimReportsALoopThatWouldWaitForever) {
  json r = run_sim(scenario(R"([{"create_future": "f"}, {"run_until_complete": "f"}, {"record": "never"}])"));
  EXPECT_EQ(r["status"], "stalled") << r.dump(2);
  EXPECT_EQ(r["error"]["message"].get<std::string>().rfind("test/inline: deadlock", 0), 0u) << r.dump(2);
  EXPECT_EQ(r["trace"], json::array());
}

TEST(Statuses, SkipsWhatTheBackendCannotDo) {
  json sc = scenario(R"([{"call_later": {"delay": 86400, "do": ["stop"]}}, "run_forever"])", {"virtual_time"});
  json r = run_scenario(sc, options(Backend::native));
  EXPECT_EQ(r["status"], "skipped");
  EXPECT_EQ(r["error"]["message"], "test/inline: needs virtual_time");
  EXPECT_EQ(run_sim(sc)["status"], "done");
  sc = scenario("[]");
  sc["until"] = "3.8";
  EXPECT_EQ(run_sim(sc)["status"], "skipped");
  sc["until"] = "3.12";
  sc["since"] = "3.11.2";
  EXPECT_EQ(run_sim(sc)["status"], "done");
}

// THR-02 on the real kernel: a plain call_soon from a running thread races with the loop (aio's
// ready queue is not synchronised), so native declines it; with debug mode on it is defined
// (DBG-03 refuses the call), and on the simulator the thread never runs beside the loop.
TEST(Statuses, THR02_NativeDeclinesAThreadsUnsynchronisedCallSoon) {
  const char* program = R"([{"call_later": {"delay": 0.2, "do": ["stop"]}},
      {"call_soon": {"do": [{"thread": {"id": "th", "do": [{"call_soon": {"do": [{"record": "x"}]}}]}}]}},
      "run_forever", {"join_thread": "th"}, "close"])";
  json sc = scenario(program, {"threads"});
  json r = run_scenario(sc, options(Backend::native));
  EXPECT_EQ(r["status"], "unsupported") << r.dump(2);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("a thread calls call_soon while debug mode is off"),
            std::string::npos);
  EXPECT_EQ(run_sim(sc)["status"], "done");
  json debug = scenario(program, {"threads", "debug"});
  debug["program"].insert(debug["program"].begin(), json{{"set_debug", true}});
  EXPECT_EQ(run_scenario(debug, options(Backend::native))["status"], "done");
  json safe = scenario(R"([{"call_soon": {"do": [{"thread": {"id": "th", "do": [{"call_soon_threadsafe": {"do": ["stop"]}}]}}]}},
      "run_forever", {"join_thread": "th"}, "close"])", {"threads"});
  EXPECT_EQ(run_scenario(safe, options(Backend::native))["status"], "done");
}

TEST(Describe, CapabilitiesAndTimeByBackend) {
  json sim = describe(options(Backend::sim));
  json native = describe(options(Backend::native));
  EXPECT_EQ(sim["op"], "ready");
  EXPECT_EQ(sim["implementation"]["name"], "aio");
  EXPECT_EQ(sim["implementation"]["language"], "c++");
  EXPECT_EQ(sim["implementation"]["asyncio_version"], "3.11");
  EXPECT_EQ(sim["time"], "virtual");
  EXPECT_EQ(native["time"], "real");
  auto has = [](const json& caps, const char* cap) {
    return std::find(caps.begin(), caps.end(), cap) != caps.end();
  };
  EXPECT_TRUE(has(sim["capabilities"], "virtual_time"));
  EXPECT_FALSE(has(native["capabilities"], "virtual_time"));
  for (const char* cap : {"tasks", "threads", "pipes", "socketpair", "debug", "logs"}) {
    EXPECT_TRUE(has(sim["capabilities"], cap)) << cap;
    EXPECT_TRUE(has(native["capabilities"], cap)) << cap;
  }
  EXPECT_THROW(parse_backend("uvloop"), std::invalid_argument);
}

}  // namespace
}  // namespace loopcheck::aio_adapter::testing
