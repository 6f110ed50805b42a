// Bad input never crashes the harness: every corpus file cut short at many points and with
// bytes replaced loads to a value or to a clear error; garbage traces and answers are
// verdicts, not exceptions.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "loopcheck/check.h"
#include "loopcheck/runner.h"
#include "loopcheck/yaml_loader.h"
#include "test_util.h"

namespace loopcheck {
namespace {

TEST(Robustness, DamagedScenarioFilesGiveErrorsNotCrashes) {
  std::mt19937 rng(12345);
  const std::string junk = "{}[]:,-#&*!|>'\"%@`?\t\n yesno~.0123456789<=";
  test::TempDir dir;
  int files = 0, rejected = 0;
  for (const auto& f : find_scenario_files(test::root() + "/scenarios")) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    for (int k = 0; k < 12; ++k) {
      std::string t = text;
      if (k < 4) {
        t.resize(t.size() * static_cast<size_t>(k + 1) / 5);
      } else {
        for (int n = 0; n < k; ++n) t[rng() % t.size()] = junk[rng() % junk.size()];
      }
      const std::string p = dir.write("s.yaml", t);
      ++files;
      Scenario sc;
      ASSERT_NO_THROW(sc = load_scenario(p, "s.yaml")) << t;
      if (!sc.ok()) {
        ++rejected;
        EXPECT_EQ(sc.error.rfind("s.yaml", 0), 0u) << sc.error;  // names the file
      }
    }
  }
  EXPECT_GT(rejected, files / 3);
}

TEST(Robustness, VerdictOfOddAnswers) {
  Scenario sc = load_scenario(test::root() + "/scenarios/ordering/call_soon_fifo.yaml", "x");
  ASSERT_TRUE(sc.ok());
  for (const char* answer : {R"({"op":"result","status":"done","trace":[],"final":null,"error":{"message":3}})",
                             R"({"op":"result","status":"weird","trace":[],"final":null,"error":{"message":"m"}})",
                             R"({"op":"result","status":"done","trace":[{"kind":"record","name":{"x":1},"t":"soon"}],"final":{"running":1}})",
                             R"({"op":"error","message":"no"})"}) {
    Verdict v;
    ASSERT_NO_THROW(v = verdict_of(sc, Json::parse(answer), true, 0.01, 0.1)) << answer;
    EXPECT_NE(v.status, "PASS") << answer;
    EXPECT_FALSE(v.problems.empty());
  }
}

}  // namespace
}  // namespace loopcheck
