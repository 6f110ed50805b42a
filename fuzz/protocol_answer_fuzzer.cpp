// Fuzz target protocol_answer: what an adapter process sends back, read as the harness
// reads it (ProcessSession::exchange, then the runner's Worker): line 1 is the answer to
// `start`, each further line the answer to a `run` of one of a few real scenarios.
// Each line is parsed as the session parses it, checked with check_ready / check_result,
// and an answer the checks let through goes on as the runner takes it: skip decision,
// verdict_of, the result record (JSON Lines round trip) and the three reports.
// Invariants: nothing throws past the checks; an answer that check_result accepts is one
// the runner can use without an exception (else the checks are too weak).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "loopcheck/adapter.h"
#include "loopcheck/report.h"
#include "loopcheck/runner.h"
#include "loopcheck/scenario.h"

namespace lf = loopcheck::fuzz;
using loopcheck::Json;

namespace {

// Real scenarios of the corpus (kinds with fields of every sort), embedded so that the
// binary runs on its own (OSS-Fuzz copies nothing else).
const char* const kScenarios[] = {
    R"(id: ordering/equal_time_timers_any_order
title: Timers scheduled for exactly the same time all run, in an undefined order
rules: [ORD-08]
level: documented
doc:
  source: 003_d26be07b5e62d8f8.plain.txt
  section: Scheduling delayed callbacks
  text: If two callbacks are scheduled for exactly the same time, the order in which they are called is undefined.
since: "3.4"
program:
  - call_at: {at: 0.5, do: [{record: t0}, stop]}
  - call_at: {at: 0.5, do: [{record: t1}]}
  - run_forever
  - close
expect:
  trace:
    - unordered:
        - {record: t0, at: 0.5}
        - {record: t1, at: 0.5}
  final: {closed: true, running: false}
)",
    R"(id: exceptions/callback_exception_context_keys
title: A failing callback's context has exactly message, exception and handle
rules: [EXC-01]
level: reference
since: "3.11"
program:
  - set_exception_handler: record
  - call_soon: {do: [{raise: {type: RuntimeError, message: bad}}, {record: never}]}
  - call_soon: {do: [stop]}
  - run_forever
  - close
expect:
  trace:
    - handler:
        message: Exception in callback *
        keys: [exception, handle, message]
        exception: {type: RuntimeError, message: bad}
)",
    R"(id: tasks/task_awaits_itself
title: A task that awaits itself gets RuntimeError('Task cannot await on itself')
rules: [FUT-06]
level: reference
since: "3.5"
needs: [tasks]
program:
  - create_task: {id: t, body: [{try: {do: [{await: t}], except: [{type: RuntimeError, do: [{return: refused}]}]}}]}
  - run_until_complete: {target: t, as: result}
  - close
expect:
  trace:
    - caught: {type: RuntimeError, message: "Task cannot await on itself: <Task *>"}
    - value: {name: result, value: refused}
)",
    R"(id: exceptions/default_handler_log_format
title: 'The default handler logs the message, then one "key: repr" line per other key, sorted'
rules: [EXC-07]
level: reference
since: "3.11"
needs: [logs]
program:
  - call_soon: {do: [{raise: {type: ValueError, message: boom}}]}
  - call_soon: {do: [stop]}
  - run_forever
  - close
expect:
  trace:
    - log:
        level: ERROR
        message: "Exception in callback *\nhandle: <Handle *>"
)",
};

const std::vector<loopcheck::Scenario>& scenarios() {
  static const std::vector<loopcheck::Scenario> all = [] {
    lf::InputFile file;
    std::vector<loopcheck::Scenario> out;
    for (const char* text : kScenarios) {
      out.push_back(loopcheck::load_scenario(file.write(text), "embedded.yaml"));
      lf::require(out.back().ok(), "an embedded scenario is invalid", out.back().error);
    }
    return out;
  }();
  return all;
}

// As ProcessSession::exchange: a line that is not JSON is a bad answer, not a crash.
bool parse_line(const std::string& line, Json& out) {
  if (loopcheck::json_nested_deeper_than(line)) return false;
  try {
    out = Json::parse(line);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string checked(const char* what, const std::function<std::string()>& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    lf::fail(std::string(what) + " threw", e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& corpus = scenarios();
  const auto lines = lf::split_lines(lf::as_text(data, size));
  Json ready = {{"capabilities", Json::array()},
                {"implementation", {{"asyncio_version", "3.11"}}},
                {"time", "virtual"}};
  Json given;
  if (parse_line(lines[0], given) && checked("check_ready", [&] { return loopcheck::check_ready(given); }).empty())
    ready = given;
  else
    for (const auto& c : {"tasks", "logs"}) ready["capabilities"].push_back(c);

  // Worker::run's use of the handshake.
  std::vector<std::string> caps;
  for (const auto& x : ready["capabilities"]) caps.push_back(x.get<std::string>());
  const std::string version = ready["implementation"]["asyncio_version"].get<std::string>();
  const bool virtual_time = ready.value("time", "") == "virtual";

  loopcheck::RunRecord run;
  run.meta = {{"type", "run"}, {"harness", {{"name", "loopcheck"}, {"version", "0"}}}, {"adapter", "fuzz"},
              {"platform", "fuzz"}, {"seed", 1}, {"started", "now"}, {"implementation", ready["implementation"]},
              {"time", ready["time"]}, {"capabilities", ready["capabilities"]}};  // as run_corpus writes it
  for (std::size_t i = 1; i < lines.size(); ++i) {
    Json a;
    if (!parse_line(lines[i], a)) continue;
    const Json seq = a.is_object() && a.contains("seq") ? a["seq"] : Json(i);
    (void)checked("check_result", [&] { return loopcheck::check_result(a, Json(i)); });
    if (!checked("check_result", [&] { return loopcheck::check_result(a, seq); }).empty()) continue;

    const loopcheck::Scenario& sc = corpus[i % corpus.size()];
    loopcheck::ScenarioResult r;
    r.id = sc.id;
    r.file = sc.file;
    r.expect = sc.raw["expect"];
    (void)loopcheck::skip_reason(sc, caps, version);
    try {  // as Worker::run after a kAnswer outcome
      r.adapter_status = a["op"] == "error" ? "error" : a["status"].is_string() ? a["status"].get<std::string>() : "?";
      if (a.contains("trace") && a["trace"].is_array()) r.trace = a["trace"];
      if (a.contains("final")) r.final = a["final"];
      const auto v = loopcheck::verdict_of(sc, a, virtual_time, 0.01, 0.1);
      r.checked = r.status = v.status;
      r.problems = v.problems;
    } catch (const std::exception& e) {
      lf::fail("the runner could not use an answer that check_result accepted", e.what());
    }
    // The JSON Lines record, written as write_jsonl does and read back.
    const std::string line = loopcheck::result_to_json(r).dump(-1, ' ', false, Json::error_handler_t::replace);
    const auto back = loopcheck::result_from_json(Json::parse(line));
    lf::require(back.status == r.status && back.problems.size() == r.problems.size(),
                "a result does not survive its JSON Lines line", line.substr(0, 300));
    run.results.push_back(back);
  }
  run.summary = {{"type", "summary"}, {"counts", loopcheck::count_statuses(run.results)}};
  const std::vector<loopcheck::RunRecord> runs = {run};
  (void)checked("junit_xml", [&] { return loopcheck::junit_xml(runs); });
  (void)checked("markdown_summary", [&] { return loopcheck::markdown_summary(runs); });
  (void)checked("html_report", [&] { return loopcheck::html_report(runs, Json()); });
  return 0;
}
