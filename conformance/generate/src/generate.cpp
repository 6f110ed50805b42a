// The top level of a generated scenario: metadata, top-level steps, the runs and their
// guards, the final run (a drain in probe mode) and close.
#include <stdexcept>

#include "generator.h"

namespace loopcheck::gen {
namespace detail {
namespace {

enum class Top { schedule, create_future, create_task, cancel, future_op, add_done, remove_done, run_forever,
                 run_until_complete, stop, observe, uncancel, block };

}  // namespace

void Generator::run_step(Scope& scope, Json& out, bool forever) {
  std::vector<std::string> targets = scope.futures;
  targets.insert(targets.end(), scope.tasks.begin(), scope.tasks.end());
  const bool body = o_.tasks && room();
  if (forever || (targets.empty() && !body)) {
    out.push_back(guard(4.0 + grid(9), Json::array({"stop"})));
    out.push_back("run_forever");
  } else if (targets.empty() || (body && maybe(1, 3))) {
    Place p;
    p.body = true;
    p.sure_end = true;
    used_tasks_ = true;
    out.push_back({{"run_until_complete", {{"body", body_do(scope, p)}, {"as", "result"}}}});
  } else {
    const std::string& x = one_of(targets);
    out.push_back(guard(4.0 + grid(9), Json::array({{{"cancel", x}}})));
    out.push_back({{"run_until_complete", {{"target", x}, {"as", "result"}}}});
  }
  if (o_.probes) out.push_back(iterations("ret"));
}

void Generator::top_step(Scope& scope, Json& out) {
  const bool any_cancel = !scope.handles.empty() || !scope.timers.empty() || !scope.futures.empty() || !scope.tasks.empty();
  std::vector<std::pair<Top, std::uint32_t>> kinds = {{Top::schedule, 6}};
  if (o_.futures && room()) kinds.push_back({Top::create_future, 1});
  if (o_.tasks && room()) kinds.push_back({Top::create_task, 2});
  if (any_cancel) kinds.push_back({Top::cancel, 1});
  if (o_.futures && !scope.futures.empty()) kinds.push_back({Top::future_op, 2});
  if (o_.futures && !scope.futures.empty() && room()) kinds.push_back({Top::add_done, 1});
  if (!scope.done_cbs.empty()) kinds.push_back({Top::remove_done, 1});
  kinds.push_back({Top::run_forever, 2});
  if (o_.futures) kinds.push_back({Top::run_until_complete, 1});
  kinds.push_back({Top::stop, 1});
  kinds.push_back({Top::observe, 1});
  if (!scope.tasks.empty()) kinds.push_back({Top::uncancel, 1});
  kinds.push_back({Top::block, 1});
  std::uint32_t total = 0;
  for (const auto& k : kinds) total += k.second;
  std::uint32_t v = pick(total);
  Top kind = kinds.front().first;
  for (const auto& k : kinds) {
    if (v < k.second) { kind = k.first; break; }
    v -= k.second;
  }
  Place top;
  switch (kind) {
    case Top::schedule:
      if (room()) schedule(scope, top, out);
      else out.push_back(observe_step(scope));
      break;
    case Top::create_future: {
      std::string f = new_id("f");
      out.push_back({{"create_future", f}});
      scope.futures.push_back(f);
      break;
    }
    case Top::create_task: {
      std::string t = new_id("t");
      Place p;
      p.body = true;
      p.self = t;
      used_tasks_ = true;
      out.push_back({{"create_task", {{"id", t}, {"body", body_do(scope, p)}}}});
      scope.tasks.push_back(t);
      break;
    }
    case Top::cancel:
      out.push_back(cancel_step(scope, true));
      if (o_.probes && out.back()["cancel"].is_string()) out.push_back(iterations("c." + out.back()["cancel"].get<std::string>()));
      break;
    case Top::future_op: out.push_back(future_op(scope)); break;
    case Top::add_done: {
      std::string d = new_id("d");
      Place p;
      p.depth = 1;
      p.self = d;
      const std::string& f = one_of(scope.futures);
      out.push_back({{"add_done_callback", {{"future", f}, {"id", d}, {"do", callback_do(scope, p)}}}});
      scope.done_cbs.push_back(d);
      scope.done_futures.push_back(f);
      break;
    }
    case Top::remove_done: {
      const std::size_t i = pick(static_cast<std::uint32_t>(scope.done_cbs.size()));
      const std::string& f = maybe(1, 4) ? one_of(scope.futures) : scope.done_futures[i];
      out.push_back({{"remove_done_callback", {{"future", f}, {"id", scope.done_cbs[i]}, {"as", "removed"}}}});
      break;
    }
    case Top::run_forever: run_step(scope, out, true); break;
    case Top::run_until_complete: run_step(scope, out, false); break;
    case Top::stop: out.push_back("stop"); break;
    case Top::observe: out.push_back(observe_step(scope)); break;
    case Top::uncancel: out.push_back({{"uncancel", {{"task", one_of(scope.tasks)}, {"as", "uncancel"}}}}); break;
    case Top::block: out.push_back({{"block", grid(17)}}); break;
  }
}

Json Generator::scenario() {
  if (o_.probes && (o_.tasks || o_.futures || o_.base_exceptions || o_.close))
    throw std::invalid_argument("generator: probes need tasks, futures, base_exceptions and close off");
  Json program = Json::array();
  if (o_.probes || maybe(1, 2)) program.push_back({{"set_exception_handler", "record"}});
  Scope scope;
  const std::uint32_t n = pick(static_cast<std::uint32_t>(o_.max_steps) + 1);
  for (std::uint32_t i = 0; i < n; ++i) top_step(scope, program);
  run_step(scope, program, true);
  if (o_.probes) run_step(scope, program, true);  // the drain: one more run
  if (o_.close && maybe(1, 2)) {
    program.push_back("close");
    // What a closed loop refuses (RuntimeError: Event loop is closed), or allows.
    switch (pick(5)) {
      case 1: program.push_back({{"observe", "is_closed"}}); break;
      case 2: program.push_back({{"call_soon", {{"do", Json::array({{{"record", "late"}}})}}}}); break;
      case 3: program.push_back("run_forever"); break;
      case 4: program.push_back("stop"); break;
      default: break;
    }
  }

  Json needs = Json::array();
  if (o_.probes) needs.push_back("internals");
  if (used_tasks_) needs.push_back("tasks");
  Json sc = {{"id", o_.id},
             {"title", "generated by loopcheck's scenario generator"},
             {"rules", Json::array({"ORD-01", "ORD-03", "ORD-07", "ORD-09", "RUN-02", "EXC-01", "CAN-03"})},
             {"level", "reference"}};
  if (!needs.empty()) sc["needs"] = needs;
  sc["program"] = std::move(program);
  sc["expect"] = {{"trace", Json::array()}};
  return sc;
}

}  // namespace detail

Json generate_scenario(Choices& choices, const GenOptions& options) {
  detail::Generator g(choices, options);
  return g.scenario();
}

GenOptions probe_options() {
  GenOptions o;
  o.probes = true;
  o.tasks = false;
  o.futures = false;
  o.base_exceptions = false;
  o.close = false;
  o.ties = false;
  o.max_steps = 8;
  return o;
}

Json describe_options(const GenOptions& o) {
  return {{"tasks", o.tasks}, {"futures", o.futures}, {"base_exceptions", o.base_exceptions}, {"ties", o.ties},
          {"probes", o.probes}, {"close", o.close}, {"max_steps", o.max_steps}, {"max_do", o.max_do},
          {"max_depth", o.max_depth}, {"max_objects", o.max_objects}};
}

}  // namespace loopcheck::gen
