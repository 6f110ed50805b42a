// The adapter's determinism outputs: fingerprints (sim only, same seed same value, every
// part of the answer in it), trace_world on request, and chaos mode through run_scenario and
// the process protocol.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "scenario_util.h"

namespace loopcheck::aio_adapter::testing {
namespace {

// Five timers for the same instant, each recording its name, then stop.
const char* kEqualTimers = R"([{"call_later": {"delay": 0.1, "do": [{"record": "a"}]}},
    {"call_later": {"delay": 0.1, "do": [{"record": "b"}]}},
    {"call_later": {"delay": 0.1, "do": [{"record": "c"}]}},
    {"call_later": {"delay": 0.1, "do": [{"record": "d"}]}},
    {"call_later": {"delay": 0.1, "do": [{"record": "e"}]}},
    {"call_later": {"delay": 0.2, "do": ["stop"]}}, "run_forever", "close"])";

std::string names(const json& result) {
  std::string out;
  for (const json& e : result.at("trace")) out += e.value("name", "?");
  return out;
}

AdapterOptions chaos(std::uint64_t seed) {
  AdapterOptions o = options(Backend::sim, seed);
  o.chaos = true;
  return o;
}

TEST(Fingerprint, SimAnswersCarryOneThatTheSeedFixes) {
  json sc = scenario(kEqualTimers);
  json one = run_scenario(sc, options(Backend::sim, 3));
  json again = run_scenario(sc, options(Backend::sim, 3));
  ASSERT_EQ(one["status"], "done") << one.dump(2);
  ASSERT_TRUE(one["fingerprint"].is_string());
  const std::string fp = one["fingerprint"];
  EXPECT_EQ(fp.size(), 16u);
  EXPECT_EQ(fp.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(again["fingerprint"], fp);
  EXPECT_FALSE(one.contains("trace_world"));  // only when asked for
  // Another program gives another fingerprint.
  json other = run_scenario(
      scenario(R"([{"call_soon": {"do": [{"record": "a"}, "stop"]}}, "run_forever", "close"])"),
      options(Backend::sim, 3));
  EXPECT_NE(other["fingerprint"], fp);
}

// A Handle's repr names its callback's call site: relative to the repository root, so that the
// trace (and the fingerprint) does not depend on where the checkout or the build is; a Task's
// coroutine location has no line (gcc and clang put it on different lines).
TEST(Fingerprint, SourcePathsInTracesAreRelativeToTheRepository) {
  json r = run_scenario(scenario(R"([{"call_soon": {"id": "h", "do": [{"record": "x"}]}},
      {"repr": {"target": "h", "as": "pending"}}, {"call_soon": {"do": ["stop"]}}, "run_forever", "close"])",
                                 {"repr"}),
                        options(Backend::sim));
  json e = find_event(r, "repr", "pending");
  ASSERT_TRUE(e.is_object()) << r.dump(2);
  EXPECT_EQ(e["message"].get<std::string>().rfind("<Handle callback() at conformance/adapters/aio/src/", 0), 0u)
      << e["message"];
  json t = run_scenario(scenario(R"([{"create_task": {"id": "t", "body": []}},
      {"repr": {"target": "t", "as": "task"}}, {"call_later": {"delay": 0.1, "do": ["stop"]}}, "run_forever", "close"])",
                                 {"repr", "tasks"}),
                        options(Backend::sim));
  json task = find_event(t, "repr", "task");
  ASSERT_TRUE(task.is_object()) << t.dump(2);
  EXPECT_NE(task["message"].get<std::string>().find(
                "coro=<task_body() running at conformance/adapters/aio/src/task_body.cpp>"),
            std::string::npos)
      << task["message"];
}

TEST(Fingerprint, NativeSendsNone) {
  json r = run_scenario(scenario(R"([{"call_soon": {"do": ["stop"]}}, "run_forever", "close"])"),
                        options(Backend::native));
  EXPECT_EQ(r["status"], "done");
  EXPECT_FALSE(r.contains("fingerprint"));
}

TEST(Fingerprint, TraceWorldGivesTheSimulatorsLines) {
  AdapterOptions o = options(Backend::sim, 3);
  o.trace_world = true;
  json r = run_scenario(scenario(kEqualTimers), o);
  ASSERT_TRUE(r["trace_world"].is_array());
  ASSERT_FALSE(r["trace_world"].empty());
  for (const json& line : r["trace_world"])
    EXPECT_EQ(line.get<std::string>().rfind("t=", 0), 0u) << line;
  // The loop waited for the timers: a select with a timeout that jumped virtual time.
  EXPECT_EQ(r["trace_world"][0], "t=0.100000000 select timeout=0.100000000 -> []");
  EXPECT_EQ(r["fingerprint"],
            run_scenario(scenario(kEqualTimers), options(Backend::sim, 3))["fingerprint"]);
}

TEST(Chaos, U01_EqualTimeTimersInAScenarioArePermutedPerSeed) {
  json sc = scenario(kEqualTimers);
  EXPECT_EQ(names(run_scenario(sc, options(Backend::sim, 1))), "abcde");  // aio's FIFO choice
  std::set<std::string> orders;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    json r = run_scenario(sc, chaos(seed));
    ASSERT_EQ(r["status"], "done") << r.dump(2);
    std::string order = names(r);
    std::string sorted = order;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, "abcde") << "seed " << seed;
    EXPECT_EQ(names(run_scenario(sc, chaos(seed))), order) << "seed " << seed;
    orders.insert(order);
  }
  EXPECT_GT(orders.size(), 5u);
  // A chaos run is another run than the plain one of the same seed.
  EXPECT_NE(run_scenario(sc, chaos(1))["fingerprint"],
            run_scenario(sc, options(Backend::sim, 1))["fingerprint"]);
}

TEST(Chaos, NeedsTheSimBackend) {
  AdapterOptions o = options(Backend::native);
  o.chaos = true;
  json r = run_scenario(scenario("[]"), o);
  EXPECT_EQ(r["status"], "adapter_error");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("chaos mode needs the sim backend"),
            std::string::npos);
}

TEST(Chaos, OnlySimOffersTheRunOptions) {
  EXPECT_EQ(describe(options(Backend::sim))["run_options"], (json{"chaos", "trace_world"}));
  EXPECT_FALSE(describe(options(Backend::native)).contains("run_options"));
}

// The process protocol takes seed, chaos and trace_world from each run request.
TEST(Chaos, ProtocolRequestsCarryTheRunOptions) {
  json sc = scenario(kEqualTimers);
  std::string input = json{{"op", "start"}, {"protocol", {1}}}.dump() + "\n";
  for (int seed = 1; seed <= 12; ++seed)
    input += json{{"op", "run"}, {"seq", seed}, {"scenario", sc}, {"seed", seed}, {"chaos", true}}
                 .dump() +
             "\n";
  input += json{{"op", "run"}, {"seq", 99}, {"scenario", sc}, {"seed", 1}, {"trace_world", true}}
               .dump() +
           "\n";
  std::istringstream in(input);
  std::ostringstream out;
  ASSERT_EQ(serve(in, out, options(Backend::sim)), 0);
  std::istringstream lines(out.str());
  std::string line;
  std::getline(lines, line);  // ready
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    ASSERT_TRUE(std::getline(lines, line));
    EXPECT_EQ(names(json::parse(line)), names(run_scenario(sc, chaos(seed)))) << "seed " << seed;
  }
  ASSERT_TRUE(std::getline(lines, line));
  json last = json::parse(line);
  EXPECT_EQ(names(last), "abcde");
  EXPECT_TRUE(last["trace_world"].is_array());
}

}  // namespace
}  // namespace loopcheck::aio_adapter::testing
