// run_scenario and describe: the protocol answers (statuses, traces, times), validation
// through loopcheck::validate_scenario, capability skips, the tie-break option, limits.
#include <gtest/gtest.h>

#include <string>

#include "loopcheck/refmodel.h"

namespace loopcheck::refmodel {
namespace {

nlohmann::json scenario(nlohmann::json program, nlohmann::json needs = nlohmann::json::array()) {
  return {{"id", "model/test"},
          {"title", "t"},
          {"rules", {"ORD-01"}},
          {"level", "reference"},
          {"needs", needs},
          {"program", program},
          {"expect", {{"trace", nlohmann::json::array()}}}};
}

nlohmann::json run(const nlohmann::json& program, nlohmann::json needs = nlohmann::json::array(),
                   TieBreak ties = TieBreak::heap) {
  return run_scenario(scenario(program, needs), ModelOptions{ties});
}

// The `name`s of the trace's record events, in order.
std::vector<std::string> records(const nlohmann::json& result) {
  std::vector<std::string> out;
  for (const auto& e : result["trace"])
    if (e["kind"] == "record") out.push_back(e["name"].get<std::string>());
  return out;
}

TEST(Describe, AnnouncesTheModelsCapabilitiesAndVirtualTime) {
  nlohmann::json ready = describe(ModelOptions{});
  EXPECT_EQ(ready["op"], "ready");
  EXPECT_EQ(ready["implementation"]["name"], "loopcheck-model");
  EXPECT_EQ(ready["implementation"]["language"], "c++");
  EXPECT_EQ(ready["implementation"]["asyncio_version"], "3.11");
  EXPECT_EQ(ready["time"], "virtual");
  for (const char* cap :
       {"virtual_time", "tasks", "internals", "repeat", "gather", "task_factory", "contextvars"})
    EXPECT_NE(std::find(ready["capabilities"].begin(), ready["capabilities"].end(), cap),
              ready["capabilities"].end())
        << cap;
  for (const char* cap : {"threads", "pipes", "socketpair", "executor", "debug", "logs", "repr"})
    EXPECT_EQ(std::find(ready["capabilities"].begin(), ready["capabilities"].end(), cap),
              ready["capabilities"].end())
        << cap;
}

TEST(RunScenario, ORD01_TraceEventsHaveKindFieldsAndTime) {
  nlohmann::json r = run(nlohmann::json::parse(R"([
    {"call_soon": {"do": [{"record": "a"}]}},
    {"call_later": {"delay": 0.25, "do": [{"record": {"name": "b", "value": 2}}, "stop"]}},
    "run_forever", {"observe": "time"}, "close"])"));
  EXPECT_EQ(r["status"], "done");
  EXPECT_EQ(r["trace"], nlohmann::json::parse(R"([
    {"kind": "record", "name": "a", "t": 0.0},
    {"kind": "record", "name": "b", "value": 2, "t": 0.25},
    {"kind": "value", "name": "time", "value": 0.25, "time": true, "t": 0.25}])"));
  EXPECT_EQ(r["final"], nlohmann::json::parse(R"({"running": false, "closed": true})"));
  EXPECT_TRUE(r.contains("duration"));
}

TEST(RunScenario, ORD08_TieBreakOptionChoosesHeapOrFifoOrder) {
  nlohmann::json program = nlohmann::json::array();
  for (int i = 0; i < 6; ++i)
    program.push_back({{"call_at", {{"at", 0.5}, {"do", {{{"record", std::to_string(i)}}}}}}});
  program.push_back({{"call_at", {{"at", 1}, {"do", {"stop"}}}}});
  program.push_back("run_forever");
  // CPython 3.11.2 on this program (the stop timer is in the heap too): 0 2 5 1 3 4.
  EXPECT_EQ(records(run(program)), (std::vector<std::string>{"0", "2", "5", "1", "3", "4"}));
  EXPECT_EQ(records(run(program, nlohmann::json::array(), TieBreak::fifo)),
            (std::vector<std::string>{"0", "1", "2", "3", "4", "5"}));
}

TEST(RunScenario, TopLevelErrorsAreTracedWithTheirStep) {
  nlohmann::json r = run(nlohmann::json::parse(R"(["close", {"call_soon": {"do": []}}])"));
  EXPECT_EQ(r["trace"],
            nlohmann::json::parse(R"([{"kind": "error", "step": "call_soon", "type": "RuntimeError",
                                                  "message": "Event loop is closed", "t": 0.0}])"));
}

TEST(RunScenario, CAN20_TaskCancelMessageReachesTheAwaiter) {
  nlohmann::json r = run(nlohmann::json::parse(R"([
    {"create_future": "f"},
    {"create_task": {"id": "t", "body": [{"try": {"do": [{"await": "f"}],
        "except": [{"type": "CancelledError", "do": [{"record": "caught"}, "reraise"]}]}}]}},
    {"call_soon": {"do": [{"cancel": {"target": "t", "msg": "why"}}]}},
    {"run_until_complete": "t"},
    {"observe": "t.cancelled"}])"),
                         {"tasks"});
  EXPECT_EQ(r["status"], "done");
  EXPECT_EQ(r["trace"], nlohmann::json::parse(R"([
    {"kind": "caught", "type": "CancelledError", "message": "why", "t": 0.0},
    {"kind": "record", "name": "caught", "t": 0.0},
    {"kind": "error", "step": "run_until_complete", "type": "CancelledError", "message": "why", "t": 0.0},
    {"kind": "value", "name": "t.cancelled", "value": true, "t": 0.0}])"));
}

TEST(RunScenario, InvalidScenarioAnswersInvalidWithThePath) {
  nlohmann::json bad =
      scenario(nlohmann::json::parse(R"([{"call_later": {"delay": "1", "do": []}}])"));
  nlohmann::json r = run_scenario(bad, ModelOptions{});
  EXPECT_EQ(r["status"], "invalid");
  EXPECT_EQ(r["error"]["path"], "/program/0/call_later/delay");
  EXPECT_NE(
      r["error"]["message"].get<std::string>().find("model/test: /program/0/call_later/delay: "),
      std::string::npos);
}

TEST(RunScenario, IdUsedBeforeItsStepRanIsInvalid) {
  nlohmann::json r = run(nlohmann::json::parse(R"([
    {"call_soon": {"do": [{"cancel": "h"}, {"record": "same_batch"}]}},
    {"call_soon": {"do": [{"record": "still_runs"}]}},
    "run_forever", {"call_soon": {"id": "h", "do": []}}])"));
  EXPECT_EQ(r["status"], "invalid");
  EXPECT_NE(r["error"]["message"].get<std::string>().find(
                "'h' is used before the step that creates it ran"),
            std::string::npos);
  EXPECT_EQ(records(r), (std::vector<std::string>{"still_runs"}));  // the batch ends, then the run
}

TEST(RunScenario, MissingCapabilityIsSkipped) {
  nlohmann::json r = run(nlohmann::json::parse(R"([{"pipe": "p"}])"), {"pipes"});
  EXPECT_EQ(r["status"], "skipped");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("needs pipes"), std::string::npos);
}

TEST(RunScenario, ALoopThatWouldWaitForeverStallsKeepingTheTrace) {
  nlohmann::json r =
      run(nlohmann::json::parse(R"([{"record": "before"}, "run_forever", {"record": "never"}])"));
  EXPECT_EQ(r["status"], "stalled");
  EXPECT_EQ(records(r), (std::vector<std::string>{"before"}));
  EXPECT_EQ(r["final"]["running"], false);
}

TEST(RunScenario, ARunThatTracesTooMuchGivesUp) {
  nlohmann::json r = run(nlohmann::json::parse(R"([
    {"repeat": {"times": 1000, "do": [{"repeat": {"times": 101, "do": [{"record": "r"}]}}]}}])"),
                         {"repeat"});
  EXPECT_EQ(r["status"], "adapter_error");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("the model gave up"), std::string::npos);
  EXPECT_TRUE(r["trace"].empty());
}

TEST(RunScenario, NeverThrowsOnGarbage) {
  EXPECT_EQ(run_scenario(nlohmann::json(42), ModelOptions{})["status"], "invalid");
  EXPECT_EQ(run_scenario(nlohmann::json::object(), ModelOptions{})["status"], "invalid");
}

}  // namespace
}  // namespace loopcheck::refmodel
