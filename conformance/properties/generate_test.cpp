// The generator library: every scenario it makes is valid; replays are exact; unique
// timer times with ties off; compare_runs; the shrinker; the regression writer.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "loopcheck/check.h"
#include "loopcheck/generate/compare.h"
#include "loopcheck/generate/generate.h"
#include "loopcheck/generate/regression.h"
#include "loopcheck/generate/shrink.h"
#include "loopcheck/model.h"
#include "loopcheck/validate.h"
#include "loopcheck/yaml_loader.h"
#ifdef LOOPCHECK_HAVE_SIM
#include "loopcheck/aio_adapter.h"
#endif

namespace loopcheck::gen {
namespace {

std::vector<GenOptions> option_sets() {
  GenOptions all, no_tasks, plain, probes;
  no_tasks.tasks = false;
  plain.tasks = plain.futures = false;
  plain.ties = false;
  probes.probes = true;
  probes.tasks = probes.futures = probes.base_exceptions = probes.close = false;
  return {all, no_tasks, plain, probes};
}

TEST(Generate, every_scenario_validates_and_needs_what_it_uses) {
  for (const GenOptions& o : option_sets())
    for (std::uint64_t seed = 1; seed <= 100; ++seed) {
      PrngChoices c(seed);
      Json sc = generate_scenario(c, o);
      try {
        validate_scenario(sc);
      } catch (const ScenarioError& e) {
        FAIL() << "seed " << seed << ": " << e.where() << ": " << e.message() << "\n" << sc.dump();
      }
      if (!o.tasks) {
        EXPECT_EQ(sc.dump().find("create_task"), std::string::npos);
      }
    }
}

TEST(Generate, a_recorded_sequence_replays_the_same_scenario) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    PrngChoices c(seed);
    Json a = generate_scenario(c, GenOptions{});
    ReplayChoices r(c.recorded());
    Json b = generate_scenario(r, GenOptions{});
    EXPECT_EQ(a, b);
    EXPECT_EQ(r.answered(), c.recorded());
    PrngChoices again(seed);
    EXPECT_EQ(generate_scenario(again, GenOptions{}), a) << "the same seed must give the same scenario";
  }
}

TEST(Generate, empty_choices_give_the_simplest_scenario) {
  ReplayChoices none({});
  Json sc = generate_scenario(none, GenOptions{});
  // No top-level steps: only the final guarded run.
  ASSERT_EQ(sc["program"].size(), 2u) << sc.dump();
  EXPECT_EQ(sc["program"][1], "run_forever");
  const std::uint8_t bytes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  ByteChoices b1(bytes, sizeof bytes), b2(bytes, sizeof bytes);
  EXPECT_EQ(generate_scenario(b1, GenOptions{}), generate_scenario(b2, GenOptions{}));
  ByteChoices empty(nullptr, 0);
  EXPECT_EQ(generate_scenario(empty, GenOptions{}), sc);
}

#ifdef LOOPCHECK_HAVE_SIM
Json run_sim(const Json& sc) {
  aio_adapter::AdapterOptions o;
  return from_plain(aio_adapter::run_scenario(to_plain(sc), o));
}

// ORD-08: with ties off no two timers share a `when`; with ties on they often do.
TEST(Generate, ORD08_ties_off_gives_every_timer_a_unique_when) {
  GenOptions o = option_sets()[3];
  int tied_runs = 0;
  for (bool ties : {false, true}) {
    o.ties = ties;
    for (std::uint64_t seed = 1; seed <= 80; ++seed) {
      PrngChoices c(seed);
      Json result = run_sim(generate_scenario(c, o));
      ASSERT_EQ(result["status"], "done") << result.dump();
      std::vector<double> whens;
      for (const auto& e : result["trace"])
        if (e["kind"] == "value" && e["name"].get<std::string>().rfind("w.", 0) == 0) whens.push_back(e["value"].get<double>());
      std::set<double> unique(whens.begin(), whens.end());
      if (!ties) {
        EXPECT_EQ(unique.size(), whens.size()) << "seed " << seed;
      } else {
        tied_runs += unique.size() != whens.size();
      }
    }
  }
  EXPECT_GT(tied_runs, 5) << "ties on should produce equal-time timers";
}

// Probe mode exercises what the invariants are about: stops in callbacks, raising
// callbacks, cancels, timers, nested scheduling, in a fair share of runs.
TEST(Generate, probe_mode_runs_cover_stops_raises_cancels_and_timers) {
  std::map<std::string, int> seen;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    PrngChoices c(seed);
    Json result = run_sim(generate_scenario(c, option_sets()[3]));
    ASSERT_EQ(result["status"], "done") << result.dump();
    std::set<std::string> kinds;
    for (const auto& e : result["trace"]) {
      const std::string n = e.value("name", "");
      if (e["kind"] == "handler") kinds.insert("handler");
      else if (n == "stop") kinds.insert("stop");
      else if (n.size() > 2 && n[1] == '.') kinds.insert(n.substr(0, 1));
      if (n.size() > 2 && n[0] == 'r' && e["value"].get<int>() > 2) kinds.insert("late iteration");
    }
    for (const auto& k : kinds) ++seen[k];
  }
  for (const char* k : {"s", "r", "w", "c", "x", "stop", "handler", "late iteration"})
    EXPECT_GE(seen[k], 15) << k << " appears in only " << seen[k] << " of 100 runs";
}

TEST(Regression, a_generated_run_written_as_a_scenario_loads_validates_and_passes) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    PrngChoices c(seed);
    Json sc = generate_scenario(c, GenOptions{});
    Json result = run_sim(sc);
    if (result["status"] != "done") continue;
    RegressionInfo info{"writer_" + std::to_string(seed), "t", {"ORD-01"}, "from the test"};
    std::string text = regression_yaml(sc, result, info);
    LoadedYaml y = load_yaml_text(text, "x.yaml");
    Validated v = validate_scenario(y.data);
    CheckResult r = check_trace(v.expect, result["trace"], result["final"], Tolerance{});
    EXPECT_TRUE(r.ok) << "seed " << seed << ": " << (r.problems.empty() ? "" : r.problems[0]) << "\n" << text;
  }
}
#endif

TEST(Regression, messages_are_globs_with_reprs_cut) {
  Json sc = {{"id", "x/y"}, {"title", "t"}, {"rules", {"EXC-01"}}, {"level", "reference"},
             {"program", Json::array({"run_forever"})}, {"expect", {{"trace", Json::array()}}}};
  Json result = {{"status", "done"},
                 {"trace", Json::array({{{"kind", "error"}, {"step", "run_forever"}, {"type", "ValueError"}, {"message", "a*b?"}, {"t", 0.0}},
                                        {{"kind", "handler"}, {"message", "Exception in callback f() at x.cpp:1"},
                                         {"keys", {"exception", "handle", "message"}},
                                         {"exception", {{"type", "ValueError"}, {"message", "e"}}}, {"t", 1e-05}}})},
                 {"final", {{"running", false}, {"closed", false}}}};
  std::string text = regression_yaml(sc, result, RegressionInfo{"msg", "t", {}, ""});
  EXPECT_NE(text.find("a\\\\*b\\\\?"), std::string::npos) << text;
  EXPECT_NE(text.find("Exception in callback *"), std::string::npos) << text;
  LoadedYaml y = load_yaml_text(text, "x.yaml");
  Validated v = validate_scenario(y.data);
  Json other = result;
  other["trace"][1]["message"] = "Exception in callback Run.callback.<locals>.callback() at interp.py:148";
  EXPECT_TRUE(check_trace(v.expect, other["trace"], other["final"], Tolerance{}).ok);
  EXPECT_EQ(y.data["expect"]["trace"][1]["at"].get<double>(), 1e-05);
}

TEST(Compare, agrees_within_virtual_tolerance_and_names_the_first_difference) {
  Json a = {{"status", "done"}, {"trace", Json::array({{{"kind", "record"}, {"name", "a"}, {"t", 0.5}}})},
            {"final", {{"running", false}, {"closed", true}}}};
  Json b = a;
  b["final"] = {{"closed", true}, {"running", false}};  // key order does not matter
  b["trace"][0]["t"] = 0.5 + 1e-7;
  EXPECT_TRUE(compare_runs(a, b).agree);
  b["trace"][0]["t"] = 0.501;
  Comparison c = compare_runs(a, b);
  EXPECT_FALSE(c.agree);
  EXPECT_NE(c.difference.find("event #0 differs in t"), std::string::npos) << c.difference;
  CompareTolerance real;
  real.real_time = true;
  EXPECT_TRUE(compare_runs(a, b, real).agree);
  b = a;
  b["trace"][0]["name"] = "b";
  EXPECT_NE(compare_runs(a, b).difference.find("differs in name"), std::string::npos);
  b = a;
  b["trace"].push_back({{"kind", "record"}, {"name", "z"}, {"t", 0.5}});
  EXPECT_NE(compare_runs(a, b).difference.find("the first trace ended"), std::string::npos);
  b = a;
  b["status"] = "stalled";
  EXPECT_NE(compare_runs(a, b).difference.find("status: done vs stalled"), std::string::npos);
  Json h1 = {{"status", "done"}, {"trace", Json::array({{{"kind", "handler"}, {"message", "Exception in callback a() at x:1"}, {"t", 0}}})}};
  Json h2 = h1;
  h2["trace"][0]["message"] = "Exception in callback <lambda>() at y.py:9";
  EXPECT_TRUE(compare_runs(h1, h2).agree);
  h2["trace"][0]["message"] = "something else";
  EXPECT_FALSE(compare_runs(h1, h2).agree);
  // Log events count only when both adapters emit them (capability logs).
  Json l1 = a;
  l1["trace"].insert(l1["trace"].begin(), Json{{"kind", "log"}, {"level", "ERROR"}, {"message", "m"}, {"t", 0}});
  EXPECT_FALSE(compare_runs(l1, a).agree);
  CompareTolerance no_logs;
  no_logs.logs = false;
  EXPECT_TRUE(compare_runs(l1, a, no_logs).agree);
  l1["trace"][1]["name"] = "other";
  EXPECT_FALSE(compare_runs(l1, a, no_logs).agree);
}

TEST(Shrink, deterministic_and_keeps_the_failure) {
  GenOptions o;
  auto fails = [](const Json& sc) { return sc["program"].dump().find("ZeroDivisionError") != std::string::npos; };
  int shrunk = 0;
  for (std::uint64_t seed = 1; seed <= 60 && shrunk < 3; ++seed) {
    PrngChoices c(seed);
    Json sc = generate_scenario(c, o);
    if (!fails(sc)) continue;
    ++shrunk;
    ShrinkResult a = shrink(c.recorded(), o, fails);
    ShrinkResult b = shrink(c.recorded(), o, fails);
    EXPECT_EQ(a.picks, b.picks);
    EXPECT_TRUE(fails(a.scenario));
    EXPECT_LT(a.picks.size(), c.recorded().size());
    EXPECT_LE(a.scenario["program"].dump().size(), 400u) << a.scenario["program"].dump();
    validate_scenario(a.scenario);
  }
  EXPECT_EQ(shrunk, 3);
}

}  // namespace
}  // namespace loopcheck::gen
