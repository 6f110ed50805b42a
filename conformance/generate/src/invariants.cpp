#include "loopcheck/generate/invariants.h"

#include <map>
#include <optional>
#include <vector>

namespace loopcheck::props {
namespace {

constexpr double kEps = 1e-6;

struct Probe {
  std::size_t pos = 0;  // index in the trace
  long long iter = 0;   // in a callback: the current iteration; at top level: iterations done
  double t = 0;
};

struct Callback {
  std::string id;
  std::optional<Probe> sched;
  std::optional<double> when;  // timers
  std::vector<Probe> runs, cancels;
  bool timer() const { return when.has_value(); }
};

struct Run {
  std::map<std::string, Callback> cbs;
  std::vector<Probe> all, stops, rets, raises;
  std::vector<std::size_t> handlers;  // positions of handler events
  Json trace;
  std::string status;

  // Iteration j is known to have finished: a later iteration was seen, or a top-level
  // probe after the run counted it.
  bool completed(long long j) const {
    for (const auto& p : all)
      if (p.iter >= j + 1) return true;
    for (const auto& p : rets)
      if (p.iter >= j) return true;
    return false;
  }
  const Callback* find(const std::string& id) const {
    auto it = cbs.find(id);
    return it == cbs.end() ? nullptr : &it->second;
  }
};

Run parse(const Json& result) {
  Run r;
  r.status = result.value("status", "");
  r.trace = result.contains("trace") ? result["trace"] : Json::array();
  for (std::size_t i = 0; i < r.trace.size(); ++i) {
    const Json& e = r.trace[i];
    const std::string kind = e.value("kind", "");
    if (kind == "handler") r.handlers.push_back(i);
    if (kind != "value" || !e.contains("name") || !e["name"].is_string() || !e["value"].is_number()) continue;
    const std::string name = e["name"].get<std::string>();
    Probe p{i, e["value"].get<long long>(), e.value("t", 0.0)};
    if (name == "stop") { r.stops.push_back(p); r.all.push_back(p); continue; }
    if (name == "ret") { r.rets.push_back(p); r.all.push_back(p); continue; }
    if (name.size() < 3 || name[1] != '.') continue;
    const std::string id = name.substr(2);
    Callback& cb = r.cbs[id];
    cb.id = id;
    switch (name[0]) {
      case 's': cb.sched = p; r.all.push_back(p); break;
      case 'w': cb.when = e["value"].get<double>(); break;
      case 'r': cb.runs.push_back(p); r.all.push_back(p); break;
      case 'c': cb.cancels.push_back(p); r.all.push_back(p); break;
      case 'x': r.raises.push_back(p); r.all.push_back(p); break;
      default: break;
    }
  }
  return r;
}

std::string at(const Probe& p) {
  return "(trace #" + std::to_string(p.pos) + ", iteration " + std::to_string(p.iter) + ", t=" + std::to_string(p.t) + ")";
}

std::string not_done(const Run& r) { return r.status == "done" ? "" : "the run ended with status " + r.status; }

}  // namespace

std::string exactly_once(const Json& result) {
  const Run r = parse(result);
  if (auto w = not_done(r); !w.empty()) return w;
  for (const auto& [id, cb] : r.cbs) {
    if (cb.runs.size() > 1) return id + " ran " + std::to_string(cb.runs.size()) + " times: " + at(cb.runs[0]) + ", " + at(cb.runs[1]);
    if (!cb.sched || !cb.runs.empty() || !cb.cancels.empty()) continue;
    if (!cb.timer()) {
      if (r.completed(cb.sched->iter + 1))
        return id + " (call_soon " + at(*cb.sched) + ") never ran, though iteration " + std::to_string(cb.sched->iter + 1) + " finished";
      continue;
    }
    for (const auto& p : r.all)
      if (p.pos > cb.sched->pos && p.t > *cb.when + kEps && r.completed(p.iter + 1))
        return id + " (timer, when=" + std::to_string(*cb.when) + ") never ran, though the clock passed it " + at(p) +
               " and the next iteration finished";
  }
  return "";
}

std::string call_soon_fifo(const Json& result) {
  const Run r = parse(result);
  std::vector<const Callback*> soon;
  for (const auto& [id, cb] : r.cbs)
    if (!cb.timer() && cb.sched && !cb.runs.empty()) soon.push_back(&cb);
  for (const Callback* a : soon)
    for (const Callback* b : soon)
      if (a->sched->pos < b->sched->pos && a->runs[0].pos > b->runs[0].pos)
        return a->id + " was scheduled before " + b->id + " " + at(*a->sched) + " but ran after it " + at(a->runs[0]);
  return "";
}

std::string no_early_timer(const Json& result) {
  const Run r = parse(result);
  for (const auto& [id, cb] : r.cbs)
    if (cb.timer() && !cb.runs.empty() && cb.runs[0].t < *cb.when - kEps)
      return id + " ran at t=" + std::to_string(cb.runs[0].t) + " before its when=" + std::to_string(*cb.when) + " " + at(cb.runs[0]);
  return "";
}

std::string batch_closed(const Json& result) {
  const Run r = parse(result);
  for (const auto& [id, cb] : r.cbs) {
    if (!cb.sched || cb.runs.empty()) continue;
    const Probe& s = *cb.sched;
    const Probe& run = cb.runs[0];
    if (run.iter <= s.iter) return id + " joined the batch it was scheduled in: scheduled " + at(s) + ", ran " + at(run);
    if (!cb.timer() && run.iter != s.iter + 1)
      return id + " (call_soon) scheduled " + at(s) + " ran in iteration " + std::to_string(run.iter) + ", not the next one";
  }
  return "";
}

std::string stop_batch(const Json& result) {
  const Run r = parse(result);
  if (auto w = not_done(r); !w.empty()) return w;
  for (const auto& stop : r.stops) {
    const Probe* ret = nullptr;
    for (const auto& p : r.rets)
      if (p.pos > stop.pos) { ret = &p; break; }
    if (!ret) return "no run returned after stop() " + at(stop);
    if (ret->iter != stop.iter)
      return "stop() " + at(stop) + " but the run returned after " + std::to_string(ret->iter) + " iterations";
    for (const auto& [id, cb] : r.cbs) {
      for (const auto& run : cb.runs)
        if (run.pos > stop.pos && run.pos < ret->pos && run.iter != stop.iter)
          return id + " ran " + at(run) + " after stop() " + at(stop) + " in a later iteration";
      // Finishes the batch: a call_soon callback due in this iteration still runs in it.
      if (!cb.timer() && cb.sched && cb.sched->iter + 1 == stop.iter && cb.cancels.empty() && cb.runs.empty())
        return id + " was due in the iteration that called stop() " + at(stop) + " but did not run";
    }
  }
  return "";
}

std::string handler_once(const Json& result) {
  const Run r = parse(result);
  if (auto w = not_done(r); !w.empty()) return w;
  for (const auto& x : r.raises) {
    if (x.pos + 1 >= r.trace.size() || r.trace[x.pos + 1].value("kind", "") != "handler")
      return "a callback raised " + at(x) + " and the next event is not a handler call";
    const Json& h = r.trace[x.pos + 1];
    if (!h.contains("exception") || !h["exception"].is_object()) return "the handler call after " + at(x) + " has no exception";
  }
  if (r.handlers.size() != r.raises.size())
    return std::to_string(r.raises.size()) + " callbacks raised but the handler was called " + std::to_string(r.handlers.size()) + " times";
  return "";
}

std::string cancelled_never(const Json& result) {
  const Run r = parse(result);
  for (const auto& [id, cb] : r.cbs)
    for (const auto& c : cb.cancels)
      for (const auto& run : cb.runs)
        if (run.pos > c.pos) return id + " ran " + at(run) + " after it was cancelled " + at(c);
  return "";
}

}  // namespace loopcheck::props
