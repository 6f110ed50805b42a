#include "loopcheck/runner.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

#include "loopcheck/check.h"
#include "loopcheck/expectations.h"
#include "loopcheck/process.h"
#include "progress.h"

namespace loopcheck {

std::vector<const Scenario*> select_scenarios(const Corpus& corpus, const RunConfig& c) {
  std::vector<const Scenario*> picked;
  for (const auto& sc : corpus.scenarios) {
    bool match = c.filters.empty();
    for (const auto& f : c.filters) match = match || filter_match(f, sc.id) || filter_match(f, sc.file);
    if (!match) continue;
    if (!c.level.empty() && sc.ok() && sc.level != c.level) continue;
    picked.push_back(&sc);
  }
  std::vector<const Scenario*> shard;
  for (size_t i = 0; i < picked.size(); ++i)
    if (static_cast<int>(i % static_cast<size_t>(c.shard_count)) == c.shard_index - 1) shard.push_back(picked[i]);
  return shard;
}

Verdict verdict_of(const Scenario& sc, const Json& a, bool virtual_time, double early, double late) {
  auto str = [](const Json& o, const char* k) {
    return o.is_object() && o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
  };
  const std::string status = str(a, "status");
  std::string message = a.contains("error") ? str(a["error"], "message") : std::string();
  if (message.empty()) message = status;
  if (str(a, "op") == "error") return {"ERROR", {"the adapter refused the request: " + str(a, "message")}};
  if (status == "skipped") return {"SKIP", {message}};
  if (status == "unsupported") return {"SKIP", {"adapter gap: " + message}};
  if (status == "stalled") return {"TIMEOUT", {message}};
  if (status == "invalid" || status == "adapter_error") return {"ERROR", {status + ": " + message}};
  if (status != "done") return {"ERROR", {"unknown status " + py_dumps(a.contains("status") ? a["status"] : Json()) + ": " + message}};
  Tolerance tol;
  tol.mode = virtual_time ? Tolerance::kVirtual : Tolerance::kReal;
  tol.early = early;
  tol.late = late;
  CheckResult r = check_trace(sc.valid->expect, a.contains("trace") ? a["trace"] : Json(),
                              a.contains("final") ? a["final"] : Json(), tol);
  return {r.ok ? "PASS" : "FAIL", r.problems};
}

namespace {

struct Job {
  const Scenario* sc;
  int repeat;
};

std::string platform() {
  utsname u{};
  if (uname(&u) != 0) return "unknown";
  return std::string(u.sysname) + " " + u.release + " " + u.machine;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

ScenarioResult base_result(const Scenario& sc, int repeat, std::uint64_t seed) {
  ScenarioResult r;
  r.id = sc.id;
  r.file = sc.file;
  r.title = sc.title;
  r.level = sc.level;
  r.rules = sc.rules;
  r.doc = sc.doc;
  r.repeat = repeat;
  r.seed = seed;
  r.expect = sc.raw.is_object() && sc.raw.contains("expect") ? sc.raw["expect"] : Json();
  r.final = nullptr;
  return r;
}

bool lists(const Json& ready, const char* key, const char* item) {
  if (!ready.contains(key) || !ready[key].is_array()) return false;
  for (const auto& x : ready[key])
    if (x == item) return true;
  return false;
}

class Worker {
 public:
  Worker(const RunConfig& c, std::unique_ptr<Session> session, std::unique_ptr<Session> twin)
      : c_(c), session_(std::move(session)), twin_(std::move(twin)) {}

  // Runs one job on this worker's session: start or restart the adapter as needed. With a
  // twin, runs it there too and returns how the two runs differ, if they do.
  std::optional<Divergence> run(const Job& job, long long seq, const Json& ready, ScenarioResult& r) {
    std::optional<Outcome> o = run_first(job, seq, ready, r);
    if (!twin_ || !o) return std::nullopt;
    if (!twin_->started()) {
      try {
        twin_->start();
      } catch (const std::exception& e) {
        r.checked = "ERROR";
        r.problems.push_back(std::string("the second run's adapter did not start: ") + e.what());
        return std::nullopt;
      }
    }
    Outcome second = twin_->run(job.sc->raw, Json(seq), options_for(*job.sc, r));
    return compare_runs(r.id, r.seed, r.repeat, image_of(*o), image_of(second));
  }

  void stop() {
    if (session_) session_->stop();
    if (twin_) twin_->stop();
  }

  void reset() {
    if (session_) session_->kill();
    if (twin_) twin_->kill();
  }

 private:
  RunOptions options_for(const Scenario& sc, const ScenarioResult& r) const {
    RunOptions opt;
    opt.seed = r.seed;
    opt.deadline = sc.deadline() * c_.timeout_scale;
    opt.chaos = c_.chaos;
    opt.trace_world = c_.check_determinism;
    return opt;
  }

  // The run proper; nothing when the scenario was not sent to the adapter.
  std::optional<Outcome> run_first(const Job& job, long long seq, const Json& ready, ScenarioResult& r) {
    const Scenario& sc = *job.sc;
    if (!sc.ok()) {
      r.checked = "ERROR";
      r.adapter_status = "invalid_file";
      r.problems = {sc.error};
      return std::nullopt;
    }
    std::vector<std::string> caps;
    for (const auto& x : ready["capabilities"]) caps.push_back(x.get<std::string>());
    if (auto why = skip_reason(sc, caps, ready["implementation"]["asyncio_version"].get<std::string>()); !why.empty()) {
      r.checked = "SKIP";
      r.adapter_status = "harness_skip";
      r.problems = {why};
      return std::nullopt;
    }
    if (!ensure_started(r)) return std::nullopt;
    const double t0 = monotonic_seconds();
    Outcome o = session_->run(sc.raw, Json(seq), options_for(sc, r));
    r.duration = monotonic_seconds() - t0;
    switch (o.kind) {
      case Outcome::kCrash: r.checked = "CRASH", r.adapter_status = "crash", r.problems = {o.detail}; return o;
      case Outcome::kTimeout: r.checked = "TIMEOUT", r.adapter_status = "timeout", r.problems = {o.detail}; return o;
      case Outcome::kBadAnswer: r.checked = "ERROR", r.adapter_status = "bad_answer", r.problems = {o.detail}; return o;
      case Outcome::kAnswer: break;
    }
    const Json& a = o.result;
    r.adapter_status = a["op"] == "error" ? "error" : a["status"].is_string() ? a["status"].get<std::string>() : "?";
    if (a.contains("trace") && a["trace"].is_array()) r.trace = a["trace"];
    if (a.contains("final")) r.final = a["final"];
    if (a.contains("fingerprint") && a["fingerprint"].is_string()) r.fingerprint = a["fingerprint"].get<std::string>();
    Verdict v = verdict_of(sc, a, ready.value("time", "") == "virtual", c_.early, c_.late);
    r.checked = v.status;
    r.problems = v.problems;
    return o;
  }

  bool ensure_started(ScenarioResult& r) {
    if (session_->started()) return true;
    if (start_failures_ >= 3) {
      r.checked = "ERROR";
      r.adapter_status = "not_started";
      r.problems = {"not run: the adapter failed to start 3 times: " + last_start_error_};
      return false;
    }
    try {
      session_->start();
      start_failures_ = 0;
      return true;
    } catch (const std::exception& e) {
      ++start_failures_;
      last_start_error_ = e.what();
      r.checked = "ERROR";
      r.adapter_status = "not_started";
      r.problems = {e.what()};
      return false;
    }
  }

  const RunConfig& c_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<Session> twin_;  // check_determinism: the second run's adapter
  int start_failures_ = 0;
  std::string last_start_error_;
};

SessionOptions worker_session(const RunConfig& c, int index);

std::unique_ptr<Session> new_session(const RunConfig& c, int index) {
  if (c.session_factory) return c.session_factory(index);
  return make_session(c.adapter, worker_session(c, index));
}

SessionOptions worker_session(const RunConfig& c, int index) {
  SessionOptions o = c.session;
  o.seed = c.seed;
  if (!c.stderr_dir.empty())
    o.stderr_path = c.stderr_dir + "/" + c.adapter.name + ".w" + std::to_string(index) + ".stderr.log";
  return o;
}

}  // namespace

RunOutput run_corpus(const Corpus& corpus, const RunConfig& c) {
  RunOutput out;
  const double started = monotonic_seconds();
  for (const auto& p : corpus.problems) out.errors.push_back(p);
  std::vector<Job> jobs;
  for (const Scenario* sc : select_scenarios(corpus, c))
    for (int k = 0; k < std::max(1, c.repeat); ++k) jobs.push_back({sc, k});

  Json& meta = out.record.meta;
  meta = {{"type", "run"}, {"harness", {{"name", "loopcheck"}, {"version", LOOPCHECK_VERSION}}},
          {"adapter", c.adapter.name}, {"adapter_command", c.adapter.argv},
          {"isolated", !c.adapter.in_process || c.session.isolate},
          {"platform", platform()}, {"seed", c.seed}, {"repeat", c.repeat}, {"jobs", c.jobs},
          {"shard", std::to_string(c.shard_index) + "/" + std::to_string(c.shard_count)},
          {"level", c.level.empty() ? Json() : Json(c.level)}, {"filters", c.filters},
          {"started", utc_now()}, {"argv", c.argv}, {"scenarios", jobs.size()}};

  // The first worker's handshake tells who we are talking to.
  std::vector<std::unique_ptr<Worker>> workers;
  Json ready;
  std::unique_ptr<Session> first;
  try {
    first = new_session(c, 1);
    ready = first->start();
  } catch (const std::exception& e) {
    out.errors.push_back(e.what());
  }
  if (ready.is_null()) {
    meta["implementation"] = nullptr;
    for (const auto& j : jobs) {
      ScenarioResult r = base_result(*j.sc, j.repeat, c.seed + static_cast<std::uint64_t>(j.repeat));
      r.status = r.checked = "ERROR";
      r.adapter_status = "not_started";
      r.problems = {out.errors.back()};
      out.record.results.push_back(std::move(r));
    }
  } else {
    meta["implementation"] = ready["implementation"];
    meta["adapter_info"] = ready["adapter"];
    meta["capabilities"] = ready["capabilities"];
    meta["time"] = ready["time"];
    meta["language"] = ready["language"];
    meta["protocol"] = ready["protocol"];
    const std::string impl = ready["implementation"]["name"].get<std::string>();
    Expectations ex = load_expectations(c.expectations.empty() ? expectations_path(c.root, impl) : c.expectations,
                                        !c.expectations.empty());
    ex.check_against(corpus);
    for (const auto& e : ex.errors) out.errors.push_back(e);
    meta["expectations"] = ex.path;
    if (c.chaos && !lists(ready, "run_options", "chaos")) {
      out.errors.push_back("--chaos: the adapter " + c.adapter.name +
                           " does not offer chaos mode (its ready answer lists no \"chaos\" in run_options)");
      jobs.clear();
    }

    const int n = std::max(1, std::min<int>(c.jobs, static_cast<int>(jobs.size())));
    // Twins are sessions n+1..2n: another adapter process for each worker's second runs.
    auto twin = [&](int i) { return c.check_determinism ? new_session(c, n + i) : nullptr; };
    try {
      workers.push_back(std::make_unique<Worker>(c, std::move(first), twin(1)));
      for (int i = 2; i <= n; ++i) workers.push_back(std::make_unique<Worker>(c, new_session(c, i), twin(i)));
    } catch (const std::exception& e) {
      out.errors.push_back(e.what());
      if (workers.empty()) jobs.clear();
    }
    std::vector<ScenarioResult> results(jobs.size());
    std::vector<char> ran(jobs.size(), 0);
    std::atomic<size_t> next{0};
    std::atomic<bool> halt{false};
    std::mutex divergence_mutex;
    std::size_t divergence_at = jobs.size();
    std::string no_fingerprint;
    Progress progress(c.progress, jobs.size(), c.adapter.name);
    auto work = [&](Worker& w) {
      for (size_t i; !halt.load() && (i = next.fetch_add(1)) < jobs.size();) {
        const Job& j = jobs[i];
        ScenarioResult& r = results[i];
        r = base_result(*j.sc, j.repeat, c.seed + static_cast<std::uint64_t>(j.repeat));
        ran[i] = 1;
        try {
          std::optional<Divergence> d = w.run(j, static_cast<long long>(i) + 1, ready, r);
          std::lock_guard<std::mutex> lock(divergence_mutex);
          if (c.check_determinism && r.adapter_status == "done" && r.fingerprint.empty() && no_fingerprint.empty()) {
            no_fingerprint = "--check-determinism needs an adapter that reports fingerprints: " + c.adapter.name +
                             " sent none for " + r.id;
            halt = true;
          }
          if (d && i < divergence_at) {
            divergence_at = i;
            out.divergence = std::move(d);
            halt = true;
          }
        } catch (const std::exception& e) {  // an answer the checks let through but the runner
          r.checked = "ERROR";               // could not use: this scenario's ERROR, not the run's end
          r.adapter_status = "bad_answer";
          r.problems = {std::string("the harness could not use the answer: ") + e.what()};
          w.reset();
        }
        const auto* entry = ex.find(r.id, c.adapter.name);
        r.status = apply_expectation(r.checked, entry);
        if (entry) r.reason = entry->reason;
        progress.done(r.status, r.id);
      }
    };
    std::vector<std::thread> threads;
    for (size_t k = 1; k < workers.size(); ++k) threads.emplace_back(work, std::ref(*workers[k]));
    work(*workers[0]);
    for (auto& t : threads) t.join();
    for (auto& w : workers) w->stop();
    progress.finish();
    if (!no_fingerprint.empty()) out.errors.push_back(no_fingerprint);
    for (size_t i = 0; i < results.size(); ++i)
      if (ran[i]) out.record.results.push_back(std::move(results[i]));
  }
  meta["chaos"] = c.chaos;
  meta["check_determinism"] = c.check_determinism;

  const auto counts = count_statuses(out.record.results);
  int unexpected = 0;
  for (const auto& [s, k] : counts)
    if (is_unexpected(s)) unexpected += k;
  out.exit_code = unexpected > 0 || !out.errors.empty() || out.divergence ? 1 : 0;
  out.record.summary = {{"type", "summary"}, {"counts", counts}, {"unexpected", unexpected},
                        {"errors", out.errors}, {"wall_seconds", monotonic_seconds() - started},
                        {"exit_code", out.exit_code}};
  if (auto fp = combined_fingerprint(out.record.results); !fp.empty()) out.record.summary["fingerprint"] = fp;
  if (c.check_determinism)
    out.record.summary["divergence"] = out.divergence ? Json(format_divergence(*out.divergence)) : Json();
  return out;
}

}  // namespace loopcheck
