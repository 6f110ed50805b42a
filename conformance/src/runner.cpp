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

class Worker {
 public:
  Worker(const RunConfig& c, std::unique_ptr<Session> session) : c_(c), session_(std::move(session)) {}

  // Runs one job on this worker's session: start or restart the adapter as needed.
  void run(const Job& job, long long seq, const Json& ready, ScenarioResult& r) {
    const Scenario& sc = *job.sc;
    if (!sc.ok()) {
      r.checked = "ERROR";
      r.adapter_status = "invalid_file";
      r.problems = {sc.error};
      return;
    }
    std::vector<std::string> caps;
    for (const auto& x : ready["capabilities"]) caps.push_back(x.get<std::string>());
    if (auto why = skip_reason(sc, caps, ready["implementation"]["asyncio_version"].get<std::string>()); !why.empty()) {
      r.checked = "SKIP";
      r.adapter_status = "harness_skip";
      r.problems = {why};
      return;
    }
    if (!ensure_started(r)) return;
    RunOptions opt;
    opt.seed = r.seed;
    opt.deadline = sc.deadline() * c_.timeout_scale;
    const double t0 = monotonic_seconds();
    Outcome o = session_->run(sc.raw, Json(seq), opt);
    r.duration = monotonic_seconds() - t0;
    switch (o.kind) {
      case Outcome::kCrash: r.checked = "CRASH", r.adapter_status = "crash", r.problems = {o.detail}; return;
      case Outcome::kTimeout: r.checked = "TIMEOUT", r.adapter_status = "timeout", r.problems = {o.detail}; return;
      case Outcome::kBadAnswer: r.checked = "ERROR", r.adapter_status = "bad_answer", r.problems = {o.detail}; return;
      case Outcome::kAnswer: break;
    }
    const Json& a = o.result;
    r.adapter_status = a["op"] == "error" ? "error" : a["status"].is_string() ? a["status"].get<std::string>() : "?";
    if (a.contains("trace") && a["trace"].is_array()) r.trace = a["trace"];
    if (a.contains("final")) r.final = a["final"];
    Verdict v = verdict_of(sc, a, ready.value("time", "") == "virtual", c_.early, c_.late);
    r.checked = v.status;
    r.problems = v.problems;
  }

  void stop() {
    if (session_) session_->stop();
  }

  void reset() {
    if (session_) session_->kill();
  }

 private:
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

    const int n = std::max(1, std::min<int>(c.jobs, static_cast<int>(jobs.size())));
    workers.push_back(std::make_unique<Worker>(c, std::move(first)));
    for (int i = 2; i <= n; ++i) {
      try {
        workers.push_back(std::make_unique<Worker>(c, new_session(c, i)));
      } catch (const std::exception& e) {
        out.errors.push_back(e.what());
        break;
      }
    }
    std::vector<ScenarioResult> results(jobs.size());
    std::atomic<size_t> next{0};
    Progress progress(c.progress, jobs.size(), c.adapter.name);
    auto work = [&](Worker& w) {
      for (size_t i; (i = next.fetch_add(1)) < jobs.size();) {
        const Job& j = jobs[i];
        ScenarioResult& r = results[i];
        r = base_result(*j.sc, j.repeat, c.seed + static_cast<std::uint64_t>(j.repeat));
        try {
          w.run(j, static_cast<long long>(i) + 1, ready, r);
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
    out.record.results = std::move(results);
  }

  const auto counts = count_statuses(out.record.results);
  int unexpected = 0;
  for (const auto& [s, k] : counts)
    if (is_unexpected(s)) unexpected += k;
  out.exit_code = unexpected > 0 || !out.errors.empty() ? 1 : 0;
  out.record.summary = {{"type", "summary"}, {"counts", counts}, {"unexpected", unexpected},
                        {"errors", out.errors}, {"wall_seconds", monotonic_seconds() - started},
                        {"exit_code", out.exit_code}};
  return out;
}

}  // namespace loopcheck
