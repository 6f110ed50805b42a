// The C++ checker against check.py on the same traces: the corpus run live on CPython's
// asyncio (virtual time) and a recorded uvloop run (tests/data/traces/, real time, with
// its 24 genuine failures), each checked as recorded and after mutations (events dropped,
// swapped, duplicated, renamed, shifted in time; final state flipped), in virtual and in
// real time mode. Verdicts and messages must agree (the items listed after "expected:"
// are compared as a set: check.py lists them in set-iteration order).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "loopcheck/adapters.h"
#include "loopcheck/check.h"
#include "loopcheck/scenario.h"
#include "test_util.h"

namespace loopcheck {
namespace {

struct Case {
  std::string scenario;  // file
  Json trace, final;
  std::string time;      // virtual or real
};

std::string normalize(const std::string& problem) {
  auto at = problem.find("expected: ");
  if (at == std::string::npos) return problem;
  std::string head = problem.substr(0, at + 10), rest = problem.substr(at + 10);
  std::vector<std::string> items;
  for (size_t start = 0;;) {
    auto sep = rest.find("; ", start);
    items.push_back(rest.substr(start, sep - start));
    if (sep == std::string::npos) break;
    start = sep + 2;
  }
  std::sort(items.begin(), items.end());
  for (size_t i = 0; i < items.size(); ++i) head += (i ? "; " : "") + items[i];
  return head;
}

std::vector<Json> mutations(const Json& trace) {
  std::vector<Json> out = {trace, Json::array()};
  if (trace.empty()) return out;
  Json t = trace;
  t.erase(t.size() - 1);
  out.push_back(t);
  t = trace;
  t.erase(0);
  out.push_back(t);
  t = trace;
  t.push_back(trace.back());
  out.push_back(t);
  t = trace;
  for (auto& e : t) e["t"] = e["t"].get<double>() + 0.05;
  out.push_back(t);
  t = trace;
  if (t[0].contains("name")) t[0]["name"] = "renamed";
  else t[0]["kind"] = "record";
  out.push_back(t);
  if (trace.size() > 1) {
    t = trace;
    std::swap(t[0], t[1]);
    out.push_back(t);
    t = trace;
    std::swap(t[t.size() - 1], t[t.size() - 2]);
    out.push_back(t);
  }
  t = trace;
  for (auto& e : t)
    if (e.contains("value") && e["value"].is_boolean()) e["value"] = !e["value"].get<bool>();
  out.push_back(t);
  return out;
}

std::vector<Case> asyncio_traces() {
  auto spec = find_adapter("asyncio", test::root());
  auto session = make_session(spec, SessionOptions{});
  session->start();
  std::vector<Case> out;
  long long seq = 0;
  for (const auto& f : find_scenario_files(test::root() + "/scenarios")) {
    Scenario sc = load_scenario(f, f);
    Outcome o = session->run(sc.raw, Json(++seq), RunOptions{});
    if (o.kind == Outcome::kAnswer && o.result.value("status", "") == "done")
      out.push_back({f, o.result["trace"], o.result["final"], "virtual"});
  }
  session->stop();
  return out;
}

std::vector<Case> recorded_traces(const std::string& file) {
  std::vector<Case> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    Json j = Json::parse(line);
    out.push_back({test::root() + "/" + j["scenario"].get<std::string>(), j["trace"], j["final"], "real"});
  }
  return out;
}

void cross_check(const std::vector<Case>& base) {
  std::vector<Case> cases;
  for (const auto& c : base)
    for (const auto& trace : mutations(c.trace))
      for (const char* mode : {"virtual", "real"}) {
        cases.push_back({c.scenario, trace, c.final, mode});
        if (trace == c.trace && c.final.is_object()) {  // also with the final state flipped
          Json f = c.final;
          f["closed"] = !f["closed"].get<bool>();
          cases.push_back({c.scenario, trace, f, mode});
        }
      }
  test::TempDir dir;
  Json list = Json::array();
  for (const auto& c : cases)
    list.push_back({{"scenario", c.scenario}, {"trace", c.trace}, {"final", c.final}, {"time", c.time}});
  const std::string path = dir.write("cases.json", list.dump());
  auto ref = test::lines(test::capture(test::reference_python() + " " +
                                       test::quote(test::root() + "/conformance/tests/py_reference.py") + " check " + path));
  ASSERT_EQ(ref.size(), cases.size());
  int failing = 0;
  std::map<std::string, Scenario> scenarios;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    if (!scenarios.count(c.scenario)) scenarios.emplace(c.scenario, load_scenario(c.scenario, c.scenario));
    const Scenario& sc = scenarios.at(c.scenario);
    ASSERT_TRUE(sc.ok()) << sc.error;
    Tolerance tol;
    tol.mode = c.time == "virtual" ? Tolerance::kVirtual : Tolerance::kReal;
    CheckResult mine = check_trace(sc.valid->expect, c.trace, c.final, tol);
    Json py = Json::parse(ref[i]);
    SCOPED_TRACE(c.scenario + " (" + c.time + ") trace " + c.trace.dump().substr(0, 300));
    ASSERT_EQ(mine.ok, py["ok"].get<bool>());
    ASSERT_EQ(mine.problems.size(), py["problems"].size());
    for (size_t k = 0; k < mine.problems.size(); ++k)
      EXPECT_EQ(normalize(mine.problems[k]), normalize(py["problems"][k].get<std::string>()));
    failing += !mine.ok;
  }
  EXPECT_GT(failing, static_cast<int>(cases.size() / 3)) << "the mutations should make many traces fail";
}

TEST(CheckerCrossCheck, AgreesWithCheckPyOnAsyncioTraces) {
  if (test::reference_python().empty()) GTEST_SKIP() << "python3 with PyYAML is not installed";
  auto base = asyncio_traces();
  ASSERT_GT(base.size(), 100u);
  cross_check(base);
}

TEST(CheckerCrossCheck, AgreesWithCheckPyOnRecordedUvloopTraces) {
  if (test::reference_python().empty()) GTEST_SKIP() << "python3 with PyYAML is not installed";
  auto base = recorded_traces(test::data("traces/uvloop-0.17.0.jsonl"));
  ASSERT_GT(base.size(), 100u);
  cross_check(base);
}

}  // namespace
}  // namespace loopcheck
