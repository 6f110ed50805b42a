// Determinism in the harness: combined fingerprints, the comparison of two runs and its
// report, `check_determinism` stopping at the first divergence (an in-process adapter whose
// second run of one scenario differs, and the fake process adapter whose answers carry its
// pid), and `chaos` refused by an adapter that does not offer it.
#include "loopcheck/determinism.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>

#include "loopcheck/runner.h"
#include "test_util.h"

namespace loopcheck {
namespace {

std::string scenario_yaml(const std::string& id) {
  return "id: " + id +
         "\ntitle: records a\nrules: [ORD-01]\nlevel: documented\n"
         "doc: {source: 003_d26be07b5e62d8f8.plain.txt, section: Scheduling callbacks, text: "
         "Callbacks are called "
         "in the order in which they are registered.}\nprogram:\n  - record: a\nexpect:\n  trace: "
         "[{record: a}]\n";
}

// Answers every run with the trace [a] and a fingerprint; the second run of `diverge_on`
// records "b" instead, with another fingerprint and simulator trace.
class TwoFacedAdapter : public Adapter {
 public:
  explicit TwoFacedAdapter(std::string diverge_on, bool fingerprints = true,
                           Json run_options = Json())
      : diverge_on_(std::move(diverge_on)),
        fingerprints_(fingerprints),
        run_options_(std::move(run_options)) {}
  Json describe() override {
    Json ready = {{"op", "ready"},
                  {"protocol", 1},
                  {"language", 1},
                  {"adapter", {{"name", "two-faced"}, {"version", "1"}}},
                  {"implementation",
                   {{"name", "two-faced"},
                    {"version", "1"},
                    {"language", "c++"},
                    {"asyncio_version", "3.11"}}},
                  {"capabilities", Json::array()},
                  {"time", "virtual"}};
    if (!run_options_.is_null()) ready["run_options"] = run_options_;
    return ready;
  }
  Json run(const Json& scenario, const RunOptions& options) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string id = scenario["id"].get<std::string>();
    const int n = ++calls_[id];
    chaos_seen_ = chaos_seen_ || options.chaos;
    const bool odd = id == diverge_on_ && n == 2;
    Json out = {
        {"status", "done"},
        {"trace", Json::array({{{"kind", "record"}, {"name", odd ? "b" : "a"}, {"t", 0.0}}})},
        {"final", {{"running", false}, {"closed", true}}}};
    if (fingerprints_) out["fingerprint"] = odd ? "00000000000000bb" : "00000000000000aa";
    if (options.trace_world)
      out["trace_world"] = Json::array({"t=0.000000000 one", "t=0.000000000 two",
                                        odd ? "t=1.000000000 odd" : "t=1.000000000 three"});
    return out;
  }
  std::map<std::string, int> calls_;
  bool chaos_seen_ = false;

 private:
  std::mutex mutex_;
  std::string diverge_on_;
  bool fingerprints_;
  Json run_options_;
};

struct Fixture {
  test::TempDir dir;
  Corpus corpus;
  RunConfig config;
  std::shared_ptr<TwoFacedAdapter> adapter;
  explicit Fixture(std::shared_ptr<TwoFacedAdapter> a) : adapter(std::move(a)) {
    for (const char* id : {"t/a1", "t/a2", "t/a3"})
      dir.write(std::string(id).substr(2) + ".yaml", scenario_yaml(id));
    corpus = load_corpus({dir.path}, dir.path);
    config.root = test::root();
    config.adapter = AdapterSpec{"two-faced", "test", true, {}, {}};
    config.expectations = test::data("fake_expectations/none.yaml");
    config.session_factory = [this](int) { return make_direct_session(adapter); };
  }
};

TEST(Fingerprints, CombinedOverIdSeedAndFingerprintInOrder) {
  ScenarioResult a, b, none;
  a.id = "x/a", a.seed = 1, a.fingerprint = "00000000000000aa";
  b.id = "x/b", b.seed = 2, b.fingerprint = "00000000000000bb";
  none.id = "x/none";
  EXPECT_EQ(combined_fingerprint({}), "");
  EXPECT_EQ(combined_fingerprint({none}), "");
  EXPECT_EQ(combined_fingerprint({a}), to_hex(fnv1a64("x/a 1 00000000000000aa\n")));
  EXPECT_EQ(combined_fingerprint({a, none, b}), combined_fingerprint({a, b}));
  EXPECT_NE(combined_fingerprint({a, b}), combined_fingerprint({b, a}));
  EXPECT_EQ(to_hex(fnv1a64("")), "cbf29ce484222325");
}

TEST(Divergence, TheReportShowsTheFirstDifferenceOfEachTrace) {
  RunImage one{"answer", "done", "aa", Json::array({{{"kind", "record"}, {"name", "a"}, {"t", 0}}}),
               nullptr,  "",     {}};
  for (int i = 0; i < 20; ++i) one.world.push_back("t=0.000000000 line " + std::to_string(i));
  EXPECT_FALSE(compare_runs("x/y", 3, 0, one, one));
  RunImage two = one;
  two.fingerprint = "bb";
  two.world[12] = "t=0.000000000 other";
  auto d = compare_runs("x/y", 3, 0, one, two);
  ASSERT_TRUE(d);
  const std::string text = format_divergence(*d, 2);
  EXPECT_NE(text.find("DIVERGED x/y (seed 3): two runs with the same seed differ in fingerprint "
                      "(aa / bb), simulator trace"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("scenario trace: the same 1 lines in both runs"), std::string::npos) << text;
  EXPECT_NE(text.find("simulator trace: first difference at #12 (run 1: 20, run 2: 20)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("      > #12 t=0.000000000 line 12"), std::string::npos) << text;
  EXPECT_NE(text.find("      > #12 t=0.000000000 other"), std::string::npos) << text;
  EXPECT_NE(text.find("        #10 t=0.000000000 line 10"), std::string::npos) << text;
  EXPECT_EQ(text.find("#9 "), std::string::npos) << "two lines of context only: " << text;
  // One run shorter than the other: the difference is where it ends.
  two = one;
  two.world.resize(5);
  EXPECT_NE(
      format_divergence(*compare_runs("x/y", 3, 0, one, two)).find("> #5 (the run ends here)"),
      std::string::npos);
}

TEST(CheckDeterminism, StopsAtTheFirstDivergenceWithBothTraces) {
  Fixture f(std::make_shared<TwoFacedAdapter>("t/a2"));
  f.config.check_determinism = true;
  RunOutput out = run_corpus(f.corpus, f.config);
  ASSERT_TRUE(out.divergence);
  EXPECT_EQ(out.divergence->id, "t/a2");
  EXPECT_EQ(out.divergence->first.trace[0]["name"], "a");
  EXPECT_EQ(out.divergence->second.trace[0]["name"], "b");
  EXPECT_EQ(out.divergence->second.world.back(), "t=1.000000000 odd");
  EXPECT_EQ(out.exit_code, 1);
  ASSERT_EQ(out.record.results.size(), 2u) << "t/a3 is never run";
  EXPECT_EQ(f.adapter->calls_.count("t/a3"), 0u);
  EXPECT_EQ(f.adapter->calls_["t/a1"], 2);
  const std::string text = format_divergence(*out.divergence);
  EXPECT_NE(text.find("scenario trace: first difference at #0"), std::string::npos) << text;
  EXPECT_NE(text.find("simulator trace: first difference at #2"), std::string::npos) << text;
  EXPECT_TRUE(out.record.summary["divergence"].is_string());
}

TEST(CheckDeterminism, AgreeingRunsPassAndRecordFingerprints) {
  Fixture f(std::make_shared<TwoFacedAdapter>("nothing"));
  f.config.check_determinism = true;
  f.config.repeat = 2;
  RunOutput out = run_corpus(f.corpus, f.config);
  EXPECT_FALSE(out.divergence);
  EXPECT_EQ(out.exit_code, 0) << (out.errors.empty() ? "" : out.errors[0]);
  EXPECT_EQ(out.record.results.size(), 6u);
  for (const auto& r : out.record.results) EXPECT_EQ(r.fingerprint, "00000000000000aa") << r.id;
  EXPECT_EQ(f.adapter->calls_["t/a3"], 4);
  EXPECT_EQ(out.record.summary["fingerprint"], combined_fingerprint(out.record.results));
  EXPECT_EQ(result_from_json(result_to_json(out.record.results[0])).fingerprint,
            "00000000000000aa");
}

TEST(CheckDeterminism, NeedsFingerprints) {
  Fixture f(std::make_shared<TwoFacedAdapter>("nothing", /*fingerprints=*/false));
  f.config.check_determinism = true;
  RunOutput out = run_corpus(f.corpus, f.config);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_NE(out.errors[0].find(
                "needs an adapter that reports fingerprints: two-faced sent none for t/a1"),
            std::string::npos)
      << out.errors[0];
  EXPECT_EQ(out.exit_code, 1);
}

TEST(Chaos, RefusedByAnAdapterThatDoesNotOfferIt) {
  Fixture f(std::make_shared<TwoFacedAdapter>("nothing"));
  f.config.chaos = true;
  RunOutput out = run_corpus(f.corpus, f.config);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_NE(out.errors[0].find("does not offer chaos mode"), std::string::npos) << out.errors[0];
  EXPECT_TRUE(out.record.results.empty());
  EXPECT_TRUE(f.adapter->calls_.empty());
  EXPECT_EQ(out.exit_code, 1);

  Fixture offered(std::make_shared<TwoFacedAdapter>("nothing", true, Json::array({"chaos"})));
  offered.config.chaos = true;
  RunOutput ok = run_corpus(offered.corpus, offered.config);
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_TRUE(offered.adapter->chaos_seen_);
  EXPECT_EQ(ok.record.meta["chaos"], true);
}

// The command line on the fake process adapter: two processes, two pids, a divergence.
TEST(CheckDeterminism, TheCommandLineShowsTheDivergenceAndExitsOne) {
  const std::string base = std::string(LOOPCHECK_BINARY) + " run --root " +
                           test::quote(test::root()) + " --adapter-cmd " +
                           test::quote(LOOPCHECK_FAKE_ADAPTER) + " --no-progress -q " +
                           test::quote(test::data("fake_determinism"));
  std::string out = test::capture(base + " --check-determinism; echo exit=$?");
  EXPECT_NE(
      out.find(
          "DIVERGED fake/diverge (seed 1): two runs with the same seed differ in fingerprint (f"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("simulator trace: first difference at #1 (run 1: 3, run 2: 3)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("exit=1"), std::string::npos) << out;
  out = test::capture(base +
                      " --filter fake/fingerprint --check-determinism --fingerprint; echo exit=$?");
  EXPECT_NE(out.find("fingerprint 0123456789abcdef fake/fingerprint seed=1"), std::string::npos)
      << out;
  EXPECT_NE(out.find("deterministic: 1 scenario runs gave the same answer twice"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("exit=0"), std::string::npos) << out;
}

}  // namespace
}  // namespace loopcheck
