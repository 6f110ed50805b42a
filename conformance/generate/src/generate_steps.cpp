// The steps inside callbacks and coroutine bodies, and the scheduling steps.
#include <array>
#include <utility>

#include "generator.h"

namespace loopcheck::gen::detail {
namespace {

const std::array<std::string, 3> kErrors = {"ValueError", "RuntimeError", "ZeroDivisionError"};
const std::array<std::string, 2> kBaseErrors = {"KeyboardInterrupt", "SystemExit"};

// A weighted choice: pick(total) lands in one kind's range; index 0 is the first (simplest).
template <class K>
K weighted(Generator& g, const std::vector<std::pair<K, std::uint32_t>>& kinds) {
  std::uint32_t total = 0;
  for (const auto& k : kinds) total += k.second;
  std::uint32_t v = g.pick(total);
  for (const auto& k : kinds) {
    if (v < k.second) return k.first;
    v -= k.second;
  }
  return kinds.front().first;
}

Json scalar_value(Generator& g) {
  switch (g.pick(4)) {
    case 0: return nullptr;
    case 1: return 1;
    case 2: return "v";
    default: return true;
  }
}

enum class Cb { record, observe, schedule, cancel, stop, raise, try_raise, block, future_op, create_future, create_task,
                add_done, base_raise, sleep, await_, ret, try_cancelled, nested_run };

}  // namespace

Json Generator::iterations(const std::string& label) const {
  return {{"observe", {{"what", "iterations"}, {"as", label}}}};
}

double Generator::offset() {
  ++timers_;
  if (o_.ties) return 0.0;
  double off = 1.0 / 128.0;  // 2^-7
  for (int i = 1; i < timers_; ++i) off /= 2.0;
  return off;
}

Json Generator::guard(double delay, Json steps) {
  return {{"call_later", {{"delay", delay + offset()}, {"do", std::move(steps)}}}};
}

Json Generator::schedule(Scope& scope, const Place& place, Json& out) {
  const std::string id = new_id("c");
  const std::uint32_t kind = timer_room() ? pick(3) : 0;
  Scope inner = scope;
  if (kind == 0) inner.handles.push_back(id); else inner.timers.push_back(id);
  Place p;
  p.depth = place.depth + 1;
  p.self = id;
  Json step;
  if (kind == 0) {
    step = {{"call_soon", {{"id", id}, {"do", Json()}}}};
  } else if (kind == 1) {
    double delay = maybe(1, 8) ? -grid(9) : grid(33);
    step = {{"call_later", {{"id", id}, {"delay", delay + offset()}, {"do", Json()}}}};
  } else {
    step = {{"call_at", {{"id", id}, {"at", grid(49) + offset()}, {"do", Json()}}}};
  }
  step.begin().value()["do"] = callback_do(inner, p);
  out.push_back(step);
  if (o_.probes) {
    out.push_back(iterations("s." + id));
    if (kind != 0) out.push_back({{"observe", {{"what", id + ".when"}, {"as", "w." + id}}}});
  }
  if (kind == 0) scope.handles.push_back(id); else scope.timers.push_back(id);
  return step;
}

Json Generator::observe_step(const Scope& scope) {
  std::vector<std::string> what = {"time", "is_running"};
  for (const auto& h : scope.handles) what.push_back(h + ".cancelled");
  for (const auto& h : scope.timers) what.push_back(h + ".cancelled");
  if (!o_.probes) {
    what.push_back("is_closed");
    for (const auto& f : scope.futures)
      for (const char* p : {".done", ".cancelled", ".result", ".exception"}) what.push_back(f + p);
    for (const auto& t : scope.tasks)
      for (const char* p : {".done", ".cancelling", ".result", ".exception"}) what.push_back(t + p);
  }
  return {{"observe", one_of(what)}};
}

Json Generator::raise_step(const Place& place, Json& out) {
  const bool base = o_.base_exceptions && !place.in_try && maybe(1, 6);
  const std::string type = base ? one_of(kBaseErrors) : one_of(kErrors);
  if (o_.probes && !place.in_try && !place.body && !place.self.empty()) out.push_back(iterations("x." + place.self));
  return {{"raise", {{"type", type}, {"message", "e" + std::to_string(pick(4))}}}};
}

Json Generator::cancel_step(const Scope& scope, bool with_futures) {
  std::vector<std::string> handles = scope.handles;
  handles.insert(handles.end(), scope.timers.begin(), scope.timers.end());
  std::vector<std::string> others;
  if (with_futures) {
    others = scope.futures;
    others.insert(others.end(), scope.tasks.begin(), scope.tasks.end());
  }
  const std::size_t n = handles.size() + others.size();
  const std::size_t i = pick(static_cast<std::uint32_t>(n));
  if (i < handles.size()) return {{"cancel", handles[i]}};
  const std::string& target = others[i - handles.size()];
  Json fields = {{"target", target}, {"as", "cancel." + target}};
  if (maybe(1, 2)) fields["msg"] = "m" + std::to_string(pick(3));
  return {{"cancel", fields}};
}

Json Generator::future_op(const Scope& scope) {
  const std::string& f = one_of(scope.futures);
  switch (pick(3)) {
    case 0: return {{"set_result", {{"future", f}, {"value", scalar_value(*this)}}}};
    case 1: return {{"set_exception", {{"future", f}, {"type", one_of(kErrors)}, {"message", "f" + std::to_string(pick(3))}}}};
    default: return cancel_step(Scope{{}, {}, {f}, {}, {}, {}}, true);
  }
}

Json Generator::try_cancelled(Scope& scope, const Place& place) {
  Json inner = Json::array();
  std::vector<std::string> targets = scope.futures;
  targets.insert(targets.end(), scope.tasks.begin(), scope.tasks.end());
  if (!targets.empty() && !place.sure_end && maybe(1, 2)) inner.push_back({{"await", {{"target", one_of(targets)}, {"as", "got"}}}});
  else inner.push_back({{"sleep", grid(17) + offset()}});
  Json clause = Json::array({{{"record", "caught_cancel"}}});
  clause.push_back(maybe(1, 2) ? Json("reraise") : Json({{"return", scalar_value(*this)}}));
  return {{"try", {{"do", inner}, {"except", Json::array({{{"type", "CancelledError"}, {"do", clause}}})}}}};
}

Json Generator::callback_do(Scope scope, Place place) {
  Json out = Json::array();
  if (o_.probes) out.push_back(iterations("r." + place.self));
  else out.push_back({{"record", place.self}});
  const std::uint32_t n = pick(static_cast<std::uint32_t>(o_.max_do) + 1);
  bool ended = false;
  for (std::uint32_t i = 0; i < n && !ended; ++i) {
    Json s = callback_step(scope, place, out, ended);
    if (!s.is_null()) out.push_back(std::move(s));
  }
  return out;
}

Json Generator::body_do(Scope scope, Place place) {
  Json out = Json::array();
  if (maybe(3, 4)) out.push_back({{"record", place.self.empty() ? std::string("body") : place.self}});
  const std::uint32_t n = pick(static_cast<std::uint32_t>(o_.max_do) + 1);
  bool ended = false;
  for (std::uint32_t i = 0; i < n && !ended; ++i) {
    Json s = body_step(scope, place, out, ended);
    if (!s.is_null()) out.push_back(std::move(s));
  }
  return out;
}

// One step of a callback's `do` (schedule and probes append themselves and return null).
Json Generator::callback_step(Scope& scope, const Place& place, Json& out, bool& ended) {
  const bool nest = place.depth < o_.max_depth && room();
  const bool any_cancel = !scope.handles.empty() || !scope.timers.empty() || !scope.futures.empty() || !scope.tasks.empty();
  std::vector<std::pair<Cb, std::uint32_t>> kinds = {{Cb::record, 2}, {Cb::observe, 1}};
  if (nest) kinds.push_back({Cb::schedule, 4});
  if (any_cancel) kinds.push_back({Cb::cancel, 2});
  kinds.push_back({Cb::stop, 1});
  kinds.push_back({Cb::raise, 1});
  kinds.push_back({Cb::try_raise, 1});
  kinds.push_back({Cb::block, 1});
  if (o_.futures && !scope.futures.empty()) kinds.push_back({Cb::future_op, 2});
  if (o_.futures && room()) kinds.push_back({Cb::create_future, 1});
  if (o_.tasks && nest) kinds.push_back({Cb::create_task, 1});
  if (o_.futures && nest && !scope.futures.empty()) kinds.push_back({Cb::add_done, 1});
  if (!o_.probes) kinds.push_back({Cb::nested_run, 1});
  switch (weighted(*this, kinds)) {
    case Cb::nested_run: ended = true; return maybe(1, 2) ? Json("run_forever") : Json("close");
    case Cb::record: return {{"record", {{"name", place.self.empty() ? std::string("cb") : place.self}, {"value", static_cast<int>(pick(3))}}}};
    case Cb::observe: return observe_step(scope);
    case Cb::schedule: schedule(scope, place, out); return nullptr;
    case Cb::cancel: {
      Json s = cancel_step(scope, !o_.probes);
      out.push_back(s);
      if (o_.probes && s["cancel"].is_string()) out.push_back(iterations("c." + s["cancel"].get<std::string>()));
      return nullptr;
    }
    case Cb::stop:
      out.push_back("stop");
      if (o_.probes) out.push_back(iterations("stop"));
      return nullptr;
    case Cb::raise: ended = true; return raise_step(place, out);
    case Cb::try_raise: {
      Place p = place;
      p.in_try = true;
      Json body = Json::array({raise_step(p, out)});
      const std::string& t = body[0]["raise"]["type"].get_ref<const std::string&>();
      Json except = Json::array({{{"type", maybe(1, 2) ? std::string("Exception") : t}, {"do", Json::array({{{"record", "handled"}}})}}});
      return {{"try", {{"do", body}, {"except", except}}}};
    }
    case Cb::block: return {{"block", grid(5)}};
    case Cb::future_op: return future_op(scope);
    case Cb::create_future: {
      std::string f = new_id("f");
      scope.futures.push_back(f);
      return {{"create_future", f}};
    }
    case Cb::create_task: {
      std::string t = new_id("t");
      Place p;
      p.depth = place.depth + 1;
      p.body = true;
      p.self = t;
      used_tasks_ = true;
      Json s = {{"create_task", {{"id", t}, {"body", body_do(scope, p)}}}};
      scope.tasks.push_back(t);
      return s;
    }
    case Cb::add_done: {
      std::string d = new_id("d");
      Place p;
      p.depth = place.depth + 1;
      p.self = d;
      const std::string& f = one_of(scope.futures);
      Json s = {{"add_done_callback", {{"future", f}, {"id", d}, {"do", callback_do(scope, p)}}}};
      scope.done_cbs.push_back(d);
      return s;
    }
    default: return nullptr;
  }
}

// One step of a coroutine body. A body that must end by itself (sure_end) never awaits.
Json Generator::body_step(Scope& scope, const Place& place, Json& out, bool& ended) {
  std::vector<std::string> targets = scope.futures;
  targets.insert(targets.end(), scope.tasks.begin(), scope.tasks.end());
  const bool can_await = !place.sure_end && !targets.empty();
  std::vector<std::pair<Cb, std::uint32_t>> kinds = {{Cb::record, 1}, {Cb::sleep, 3}};
  if (can_await) kinds.push_back({Cb::await_, 3});
  kinds.push_back({Cb::ret, 1});
  // (A run_until_complete body's task has no id; the interpreters keep it to the end of the
  // scenario, as every object, so an abandoned one that fails later logs nothing mid-run.)
  kinds.push_back({Cb::raise, 1});
  kinds.push_back({Cb::try_cancelled, 2});
  if (place.depth < o_.max_depth && room()) kinds.push_back({Cb::schedule, 1});
  if (!scope.futures.empty()) kinds.push_back({Cb::future_op, 1});
  kinds.push_back({Cb::observe, 1});
  switch (weighted(*this, kinds)) {
    case Cb::record: return {{"record", "step"}};
    case Cb::sleep: return {{"sleep", maybe(1, 4) ? 0.0 : grid(17) + offset()}};
    case Cb::await_: return {{"await", {{"target", one_of(targets)}, {"as", "got"}}}};
    case Cb::ret: ended = true; return {{"return", scalar_value(*this)}};
    case Cb::raise: ended = true; return raise_step(place, out);
    case Cb::try_cancelled: {
      Json s = try_cancelled(scope, place);
      ended = s["try"]["except"][0]["do"][1].is_object();  // it swallowed: the body ends
      return s;
    }
    case Cb::schedule: schedule(scope, place, out); return nullptr;
    case Cb::future_op: return future_op(scope);
    case Cb::observe:
      return maybe(1, 2) ? Json({{"observe", "current_task"}}) : observe_step(scope);
    default: return nullptr;
  }
}

}  // namespace loopcheck::gen::detail
