#include "loopcheck/generate/fuzz.h"

#include <chrono>
#include <memory>
#include <set>

#include "loopcheck/generate/compare.h"
#include "loopcheck/generate/regression.h"
#include "loopcheck/generate/shrink.h"
#include "loopcheck/model.h"
#include "loopcheck/validate.h"

namespace loopcheck::gen {
namespace {

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// One adapter: its session, restarted after a crash or a timeout.
class Side {
 public:
  Side(const AdapterSpec& spec, const SessionOptions& options) : spec_(spec), session_(make_session(spec, options)) {}
  const Json& start() {
    ready_ = session_->start();
    return ready_;
  }
  const Json& ready() const { return ready_; }
  const std::string& name() const { return spec_.name; }

  // The answer as a result object; a crash, a timeout or a bad answer becomes a status.
  Json run(const Json& scenario, double deadline) {
    if (!session_->started()) start();
    RunOptions opt;
    opt.seed = 1;
    opt.deadline = deadline;
    Outcome o = session_->run(scenario, Json(++seq_), opt);
    if (o.kind == Outcome::kAnswer) {
      if (o.result.value("op", "") == "error")
        return {{"status", "adapter_error"}, {"error", {{"message", o.result.value("message", "")}}}};
      return o.result;
    }
    session_->kill();
    const char* what = o.kind == Outcome::kCrash ? "crash" : o.kind == Outcome::kTimeout ? "timeout" : "bad_answer";
    return {{"status", what}, {"error", {{"type", what}, {"message", o.detail}}}};
  }
  void stop() { session_->stop(); }

 private:
  AdapterSpec spec_;
  std::unique_ptr<Session> session_;
  Json ready_;
  long long seq_ = 0;
};

bool has_capability(const Json& ready, const std::string& cap) {
  if (!ready.contains("capabilities")) return false;
  for (const auto& c : ready["capabilities"])
    if (c == cap) return true;
  return false;
}

std::string impl_of(const Json& ready) {
  if (!ready.contains("implementation")) return "?";
  return ready["implementation"].value("name", "?") + " " + ready["implementation"].value("version", "");
}

bool declined(const std::string& status) { return status == "unsupported" || status == "skipped"; }

}  // namespace

std::uint64_t scenario_seed(std::uint64_t seed, long long index) {
  std::uint64_t z = seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(index) + 1;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

FuzzOutput run_fuzz(const FuzzConfig& c) {
  FuzzOutput out;
  const double started = now_seconds();
  Side sides[2] = {Side(c.a, c.session), Side(c.b, c.session)};
  for (auto& s : sides) {
    try {
      s.start();
    } catch (const std::exception& e) {
      out.errors.push_back(s.name() + ": " + e.what());
      return out;
    }
  }
  out.implementation_a = impl_of(sides[0].ready());
  out.implementation_b = impl_of(sides[1].ready());
  GenOptions options = c.options;
  if (!has_capability(sides[0].ready(), "tasks") || !has_capability(sides[1].ready(), "tasks")) options.tasks = false;
  if (options.probes && (!has_capability(sides[0].ready(), "internals") || !has_capability(sides[1].ready(), "internals")))
  {
    out.errors.push_back("probed scenarios need the capability internals on both adapters");
    for (auto& s : sides) s.stop();
    return out;
  }
  CompareTolerance tol;
  tol.real_time = sides[0].ready().value("time", "") != "virtual" || sides[1].ready().value("time", "") != "virtual";
  tol.logs = has_capability(sides[0].ready(), "logs") && has_capability(sides[1].ready(), "logs");

  std::set<std::string> written_programs, signatures;
  auto tell = [&](const std::string& line) {
    if (c.progress) c.progress(line);
  };
  for (long long k = c.first; c.count <= 0 || k < c.first + c.count; ++k) {
    if (c.seconds > 0 && now_seconds() - started > c.seconds) break;
    if (static_cast<int>(out.divergences.size()) >= c.max_divergences) break;
    PrngChoices prng(scenario_seed(c.seed, k));
    GenOptions o = options;
    o.id = "regressions/fuzz_" + std::to_string(k);
    Json sc = generate_scenario(prng, o);
    try {
      validate_scenario(sc);
    } catch (const ScenarioError& e) {
      out.errors.push_back("scenario #" + std::to_string(k) + ": the generator made an invalid scenario: " + e.where() +
                           ": " + e.message());
      continue;
    }
    Json ra = sides[0].run(sc, c.deadline), rb = sides[1].run(sc, c.deadline);
    ++out.run;
    const std::string sa = ra.value("status", ""), sb = rb.value("status", "");
    if (declined(sa) || declined(sb)) {
      ++out.skipped;
      continue;
    }
    if (sa == "invalid" || sb == "invalid") {
      out.errors.push_back("scenario #" + std::to_string(k) + ": an adapter says invalid: " +
                           (sa == "invalid" ? ra : rb)["error"].dump());
      continue;
    }
    Comparison cmp = compare_runs(ra, rb, tol);
    if (cmp.agree) {
      if (sa == "stalled") ++out.stalled;
      continue;
    }
    if (signatures.count(cmp.signature)) {
      ++out.repeats;
      tell("scenario #" + std::to_string(k) + " diverges as before (" + cmp.signature + ")");
      continue;
    }
    tell("scenario #" + std::to_string(k) + " diverges: " + cmp.difference + "; shrinking");
    auto still_fails = [&](const Json& cand) {
      Json x = sides[0].run(cand, c.deadline), y = sides[1].run(cand, c.deadline);
      const std::string s0 = x.value("status", ""), s1 = y.value("status", "");
      if (s0 == "invalid" || s1 == "invalid" || declined(s0) || declined(s1)) return false;
      return !compare_runs(x, y, tol).agree;
    };
    ShrinkResult sh = shrink(prng.recorded(), o, still_fails, c.shrink_tests);
    Divergence d;
    d.index = k;
    d.picks_before = prng.recorded().size();
    d.picks_after = sh.picks.size();
    d.shrink_tests = sh.tests;
    Json x = sides[0].run(sh.scenario, c.deadline), y = sides[1].run(sh.scenario, c.deadline);
    const Comparison shrunk = compare_runs(x, y, tol);
    d.difference = shrunk.difference;
    d.signature = shrunk.agree ? cmp.signature : shrunk.signature;
    signatures.insert(cmp.signature);
    const bool known = !signatures.insert(d.signature).second && d.signature != cmp.signature;
    if (known) {
      ++out.repeats;
      tell("scenario #" + std::to_string(k) + " shrinks to a known divergence (" + d.signature + ")");
      continue;
    }
    if (d.difference.empty()) d.difference = cmp.difference + " (the shrunk case did not reproduce)";
    const std::string program = sh.scenario["program"].dump();
    if (written_programs.insert(program).second) {
      const Side& right = sides[c.right];
      const Side& wrong = sides[1 - c.right];
      RegressionInfo info;
      info.name = regression_name("fuzz_" + c.a.name + "_" + c.b.name + "_s" + std::to_string(c.seed) + "_" + std::to_string(k));
      info.title = "fuzz divergence: " + wrong.name() + " against " + right.name() + " (seed " + std::to_string(c.seed) +
                   ", scenario " + std::to_string(k) + ")";
      info.notes = "Found by `loopcheck fuzz --adapter " + c.a.name + " --adapter " + c.b.name + " --seed " +
                   std::to_string(c.seed) + " --first " + std::to_string(k) + " --count 1" + (o.ties ? " --ties" : "") +
                   "` (generator options " + describe_options(o).dump() + "), shrunk in " + std::to_string(sh.tests) +
                   " runs from " + std::to_string(d.picks_before) + " to " + std::to_string(d.picks_after) +
                   " choices. " + c.a.name + " (" + out.implementation_a + ") and " + c.b.name + " (" +
                   out.implementation_b + ") differed: " + d.difference + ". The expected trace is " + right.name() +
                   "'s (" + impl_of(right.ready()) + ").";
      try {
        d.file = write_regression(c.out_dir, sh.scenario, c.right == 0 ? x : y, info);
      } catch (const std::exception& e) {
        out.errors.push_back("scenario #" + std::to_string(k) + ": " + e.what());
      }
    }
    tell("scenario #" + std::to_string(k) + ": " + (d.file.empty() ? "(same shrunk case as before)" : d.file) + ": " +
         d.difference);
    out.divergences.push_back(std::move(d));
  }
  for (auto& s : sides) s.stop();
  out.seconds = now_seconds() - started;
  return out;
}

}  // namespace loopcheck::gen
