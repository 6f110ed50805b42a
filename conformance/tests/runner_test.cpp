// The runner: selection (filter, level, shard, repeat), statuses from every kind of
// adapter behaviour with the run carrying on, expectations (XFAIL, XPASS, bad files), and
// in-process adapters through the same interface.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "loopcheck/expectations.h"
#include "loopcheck/runner.h"
#include "test_util.h"

namespace loopcheck {
namespace {

Corpus fake_corpus() { return load_corpus({test::data("fake")}, test::root()); }

RunConfig fake_config() {
  RunConfig c;
  c.root = test::root();
  c.adapter = AdapterSpec{"fake", "the fake adapter", false, {LOOPCHECK_FAKE_ADAPTER}, {}};
  c.timeout_scale = 0.05;  // hang: 0.5 s
  c.expectations = test::data("fake_expectations/none.yaml");
  return c;
}

std::map<std::string, std::string> statuses(const RunOutput& out) {
  std::map<std::string, std::string> m;
  for (const auto& r : out.record.results) m[r.id] = r.status;
  return m;
}

const std::map<std::string, std::string> kExpected = {
    {"fake/badtrace", "ERROR"}, {"fake/broken", "ERROR"},     {"fake/crash", "CRASH"},
    {"fake/deep", "ERROR"},
    {"fake/exit", "CRASH"},     {"fake/garbage", "ERROR"},    {"fake/hang", "TIMEOUT"},
    {"fake/invalid", "ERROR"},  {"fake/needs_debug", "SKIP"}, {"fake/pass", "PASS"},
    {"fake/record", "PASS"},    {"fake/record_mismatch", "FAIL"}, {"fake/refuse", "ERROR"},
    {"fake/skipped", "SKIP"},   {"fake/stalled", "TIMEOUT"},  {"fake/unsupported", "SKIP"},
    {"fake/until_old", "SKIP"}, {"fake/wrongseq", "ERROR"}};

TEST(Runner, EveryFailureIsReportedAndTheRunCarriesOn) {
  Corpus corpus = fake_corpus();
  for (int jobs : {1, 3}) {
    SCOPED_TRACE(jobs);
    RunConfig c = fake_config();
    c.jobs = jobs;
    c.expectations.clear();
    c.expectations = test::data("fake_expectations/none.yaml");
    RunOutput out = run_corpus(corpus, c);
    EXPECT_EQ(statuses(out), kExpected);
    EXPECT_EQ(out.exit_code, 1);
    EXPECT_EQ(out.record.meta["implementation"]["name"], "fake");
    for (const auto& r : out.record.results)
      if (r.status != "PASS") {
        EXPECT_FALSE(r.problems.empty()) << r.id;
      }
  }
}

TEST(Runner, BrokenScenarioNamesFileLineColumn) {
  RunOutput out = run_corpus(fake_corpus(), fake_config());
  for (const auto& r : out.record.results)
    if (r.id == "fake/broken") {
      ASSERT_EQ(r.problems.size(), 1u);
      EXPECT_EQ(r.problems[0], "conformance/tests/data/fake/broken.yaml:6:18: 'yes' is a boolean in YAML 1.1 only: write true or false, or quote it");
    }
}

TEST(Runner, AnAdapterThatNeverStartsGivesErrorsNotACrash) {
  RunConfig c = fake_config();
  c.adapter.argv.push_back("--no-start");
  RunOutput out = run_corpus(fake_corpus(), c);
  ASSERT_FALSE(out.errors.empty());
  EXPECT_NE(out.errors.back().find("did not start"), std::string::npos);
  for (const auto& r : out.record.results) EXPECT_EQ(r.status, "ERROR") << r.id;
  EXPECT_EQ(out.exit_code, 1);
}

TEST(Runner, ExpectationsGiveXfailAndXpass) {
  test::TempDir dir;
  const std::string file = dir.write("fake.yaml",
      "implementation: fake\nentries:\n"
      "  - scenario: fake/record_mismatch\n    reason: records a, not b\n"
      "  - scenario: fake/pass\n    reason: stale entry\n"
      "  - scenario: fake/crash\n    status: CRASH\n    reason: crashes on purpose\n"
      "  - scenario: fake/hang\n    status: CRASH\n    adapters: [other]\n    reason: only on another adapter\n");
  RunConfig c = fake_config();
  c.expectations = file;
  c.filters = {"fake/record_mismatch", "fake/pass", "fake/crash", "fake/hang"};
  RunOutput out = run_corpus(fake_corpus(), c);
  auto s = statuses(out);
  EXPECT_EQ(s["fake/record_mismatch"], "XFAIL");
  EXPECT_EQ(s["fake/pass"], "XPASS");
  EXPECT_EQ(s["fake/crash"], "XFAIL");
  EXPECT_EQ(s["fake/hang"], "TIMEOUT");
  EXPECT_EQ(out.exit_code, 1);  // the XPASS and the TIMEOUT
  for (const auto& r : out.record.results)
    if (r.id == "fake/record_mismatch") {
      EXPECT_EQ(r.reason, "records a, not b");
    }
}

TEST(Expectations, BadFilesAreReportedWithPlacesAndTheGoodEntriesKept) {
  test::TempDir dir;
  const std::string file = dir.write("bad.yaml",
      "implementation: fake\ncolour: red\nentries:\n"
      "  - scenario: fake/pass\n    status: WRONG\n    reason: x\n"
      "  - scenario: fake/record_mismatch\n"
      "  - scenario: fake/nothere\n    reason: no such scenario\n"
      "  - scenario: fake/record\n    reason: fine\n    why: extra\n"
      "  - scenario: fake/crash\n    status: CRASH\n    reason: good\n");
  Expectations ex = load_expectations(file);
  ex.check_against(fake_corpus());
  std::set<std::string> errors(ex.errors.begin(), ex.errors.end());
  EXPECT_TRUE(errors.count(file + ":2:9: unknown key 'colour' (implementation, entries)")) << ex.errors[0];
  EXPECT_TRUE(errors.count(file + ":5:13: status is FAIL, ERROR, CRASH or TIMEOUT"));
  EXPECT_TRUE(errors.count(file + ":7:5: every entry gives its reason (reason:)"));
  EXPECT_TRUE(errors.count(file + ":8:5: no scenario has the id 'fake/nothere'"));
  EXPECT_TRUE(errors.count(file + ":12:10: unknown key 'why' (scenario, status, adapters, reason)"));
  ASSERT_EQ(ex.entries.size(), 2u);
  EXPECT_EQ(ex.entries[1].scenario, "fake/crash");

  Expectations unreadable = load_expectations(dir.write("syntax.yaml", "entries: [\n"));
  ASSERT_EQ(unreadable.errors.size(), 1u);
  EXPECT_NE(unreadable.errors[0].find("syntax.yaml:"), std::string::npos);
  EXPECT_TRUE(load_expectations(dir.path + "/missing.yaml").errors.empty());
  EXPECT_FALSE(load_expectations(dir.path + "/missing.yaml", true).errors.empty());
}

TEST(Runner, BadExpectationsFileDoesNotStopTheRun) {
  test::TempDir dir;
  RunConfig c = fake_config();
  c.expectations = dir.write("bad.yaml", "entries: [\n");
  c.filters = {"fake/pass"};
  RunOutput out = run_corpus(fake_corpus(), c);
  EXPECT_EQ(statuses(out)["fake/pass"], "PASS");
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.exit_code, 1);
}

TEST(Runner, Selection) {
  Corpus corpus = load_corpus({test::root() + "/scenarios"}, test::root());
  RunConfig c;
  c.filters = {"ordering/*"};
  for (const auto* sc : select_scenarios(corpus, c)) EXPECT_EQ(sc->id.rfind("ordering/", 0), 0u);
  c.filters = {"*timer*", "stop/stop_is_idempotent"};
  auto picked = select_scenarios(corpus, c);
  EXPECT_GT(picked.size(), 5u);
  c.filters.clear();
  c.level = "documented";
  for (const auto* sc : select_scenarios(corpus, c)) EXPECT_EQ(sc->level, "documented");
  c.level.clear();
  std::set<std::string> seen;
  size_t total = 0;
  for (int k = 1; k <= 3; ++k) {
    c.shard_index = k;
    c.shard_count = 3;
    for (const auto* sc : select_scenarios(corpus, c)) {
      EXPECT_TRUE(seen.insert(sc->id).second) << "in two shards: " << sc->id;
      ++total;
    }
  }
  EXPECT_EQ(total, corpus.scenarios.size());
}

// An in-process adapter through the same runner (what native and sim are).
class EchoAdapter : public Adapter {
 public:
  Json describe() override {
    return Json::parse(R"({"op":"ready","protocol":1,"language":1,"adapter":{"name":"echo","version":"1"},
      "implementation":{"name":"echo","version":"1","language":"c++","asyncio_version":"3.11"},
      "capabilities":["virtual_time"],"time":"virtual"})");
  }
  Json run(const Json& scenario, const RunOptions& o) override {
    seeds.push_back(o.seed);
    if (scenario.value("id", "") == "fake/crash") throw std::runtime_error("boom");
    return {{"status", "done"}, {"trace", Json::array()}, {"final", {{"running", false}, {"closed", true}}}};
  }
  std::vector<std::uint64_t> seeds;
};

TEST(Runner, InProcessAdapterWithRepeatAndSeeds) {
  auto echo = std::make_shared<EchoAdapter>();
  RunConfig c = fake_config();
  c.adapter = AdapterSpec{"echo", "in-process", true, {}, {}};
  c.session_factory = [&](int) { return make_direct_session(echo); };
  c.filters = {"fake/pass", "fake/crash"};
  c.repeat = 3;
  c.seed = 40;
  RunOutput out = run_corpus(fake_corpus(), c);
  ASSERT_EQ(out.record.results.size(), 6u);
  std::multiset<std::uint64_t> seeds(echo->seeds.begin(), echo->seeds.end());
  EXPECT_EQ(seeds, (std::multiset<std::uint64_t>{40, 40, 41, 41, 42, 42}));
  for (const auto& r : out.record.results) {
    EXPECT_EQ(r.status, r.id == "fake/crash" ? "ERROR" : "PASS");
    if (r.id == "fake/crash") {
      EXPECT_NE(r.problems[0].find("adapter_error: fake/crash: boom"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace loopcheck
