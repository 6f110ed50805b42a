// The C++ validator against the Python reference (validate.py via yaml_loader.py): same
// verdict, and the same file:line:column and message, on every corpus file and on every
// broken file of tests/data/invalid (one broken thing each). YAML syntax errors are worded
// by each parser, so only their place is compared.
#include <gtest/gtest.h>

#include <map>

#include "loopcheck/scenario.h"
#include "test_util.h"

namespace loopcheck {
namespace {

std::vector<std::string> files_under(const std::string& dir) { return find_scenario_files(dir); }

std::map<std::string, Json> reference_verdicts(const std::vector<std::string>& files) {
  std::string cmd = test::reference_python() + " " + test::quote(test::root() + "/conformance/tests/py_reference.py") + " validate";
  for (const auto& f : files) cmd += " " + test::quote(f);
  std::map<std::string, Json> out;
  for (const auto& line : test::lines(test::capture(cmd))) {
    Json j = Json::parse(line);
    out[j["file"].get<std::string>()] = j;
  }
  return out;
}

void cross_check(const std::vector<std::string>& files, bool expect_all_invalid) {
  if (test::reference_python().empty()) GTEST_SKIP() << "python3 with PyYAML is not installed";
  auto ref = reference_verdicts(files);
  ASSERT_EQ(ref.size(), files.size());
  for (const auto& f : files) {
    SCOPED_TRACE(f);
    Scenario sc = load_scenario(f, f);
    const Json& r = ref[f];
    if (expect_all_invalid) {
      EXPECT_FALSE(sc.ok()) << "a broken file was accepted";
    }
    if (r["stage"] == "crash") {  // the reference itself fails on this input: C++ must reject cleanly
      EXPECT_FALSE(sc.ok()) << "the reference crashed (" << r["error"] << ") and C++ accepted it";
      continue;
    }
    ASSERT_EQ(sc.ok(), r["ok"].get<bool>()) << "C++: " << (sc.ok() ? "valid" : sc.error) << "\nPython: " << r["error"];
    if (sc.ok()) continue;
    const std::string py = r["error"].get<std::string>();
    const auto syntax = py.find(": YAML syntax error");
    if (syntax != std::string::npos)
      EXPECT_EQ(sc.error.substr(0, syntax + 19), py.substr(0, syntax + 19));
    else
      EXPECT_EQ(sc.error, py);
  }
}

TEST(ValidatorCrossCheck, AgreesOnTheCorpus) {
  auto files = files_under(test::root() + "/scenarios");
  ASSERT_GT(files.size(), 100u);
  cross_check(files, false);
}

TEST(ValidatorCrossCheck, AgreesOnBrokenFiles) {
  auto files = files_under(test::data("invalid"));
  ASSERT_GT(files.size(), 90u);
  cross_check(files, true);
}

TEST(ValidatorCrossCheck, AgreesOnValidSpellings) {
  cross_check(files_under(test::data("valid")), false);
}

TEST(Validator, EveryCorpusScenarioIsValid) {
  Corpus c = load_corpus({test::root() + "/scenarios"}, test::root());
  for (const auto& sc : c.scenarios) EXPECT_TRUE(sc.ok()) << sc.error;
  EXPECT_TRUE(c.problems.empty()) << c.problems[0];
}

TEST(Validator, NormalizesShorthands) {
  Scenario sc = load_scenario(test::root() + "/scenarios/ordering/call_soon_fifo.yaml", "x.yaml");
  ASSERT_TRUE(sc.ok()) << sc.error;
  const Json& p = sc.valid->normalized["program"];
  EXPECT_EQ(p[0]["op"], "call_soon");
  EXPECT_EQ(p[0]["do"][0]["op"], "record");
  EXPECT_EQ(p[0]["do"][0]["name"], "a");
  EXPECT_EQ(sc.valid->normalized["timeout"], "short");
}

}  // namespace
}  // namespace loopcheck
