// Fuzz target scenario_yaml: bytes as a scenario file, through the harness's own path
// (load_scenario: YAML loader, metadata, validator, expectation compiler).
// Invariants: nothing throws out of load_scenario; an invalid file's error starts with
// "file:LINE:COLUMN: " inside the file; a valid scenario can be sent to an adapter (its
// JSON serialises strictly, as ProcessSession sends it) and its expectation accepts the
// trace it describes and rejects that trace with one event dropped or one added.
#include <cstdint>
#include <string>

#include "expected_trace.h"
#include "fuzz_util.h"
#include "loopcheck/check.h"
#include "loopcheck/scenario.h"

namespace lf = loopcheck::fuzz;
using loopcheck::Json;

namespace {

const std::string kName = "fuzz/scenario.yaml";

void check_error(const loopcheck::Scenario& sc, const std::string& text) {
  int column = 0;
  const int line = lf::message_line(sc.error, kName, &column);
  lf::require(line > 0, "an invalid scenario's error does not start with file:line:column", sc.error);
  int lines = 1;
  for (char c : text) lines += c == '\n';
  lf::require(line <= lines + 1, "an error names a line past the end of the file", sc.error);
  lf::require(sc.error.size() > kName.size() + 6, "an error without a problem", sc.error);
}

void check_valid(const loopcheck::Scenario& sc) {
  const auto& v = *sc.valid;
  lf::require(v.expect.trace != nullptr, "a valid scenario without a compiled trace");
  try {
    (void)sc.raw.dump();  // ProcessSession::run sends the scenario with dump()
    (void)v.normalized.dump();
  } catch (const std::exception& e) {
    lf::fail("a valid scenario cannot be sent to an adapter", e.what());
  }
  (void)loopcheck::py_dumps(sc.raw, true);
  (void)loopcheck::py_repr(sc.raw);
  (void)v.expect.trace->describe();
  (void)v.expect.uses_logs();
  (void)sc.deadline();
  if (sc.doc.is_object() && sc.doc.contains("text") && sc.doc["text"].is_string())
    (void)loopcheck::fold_doc_text(sc.doc["text"].get<std::string>());

  Json trace = Json::array();
  if (!lf::append_expected(*v.expect.trace, trace)) return;
  Json final = v.expect.final;
  const loopcheck::Tolerance tol;
  auto r = loopcheck::check_trace(v.expect, trace, final, tol);
  lf::require(r.ok || lf::too_complex(r.problems), "the trace an expectation describes does not pass",
              loopcheck::format_trace(trace) + "\n" + (r.problems.empty() ? "" : r.problems[0]));
  lf::require(r.problems.empty(), "a passing check with problems");
  if (!trace.empty()) {
    Json shorter = trace;
    shorter.erase(shorter.size() / 2);
    auto s = loopcheck::check_trace(v.expect, shorter, final, tol);
    lf::require(!s.ok && !s.problems.empty(), "a trace with an event missing passes");
  }
  Json longer = trace;
  longer.push_back({{"kind", "record"}, {"name", "an extra event"}, {"t", 0.0}});
  auto l = loopcheck::check_trace(v.expect, longer, final, tol);
  lf::require(!l.ok && !l.problems.empty(), "a trace with an extra event passes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static lf::InputFile file;
  const std::string text = lf::as_text(data, size);
  loopcheck::Scenario sc;
  try {
    sc = loopcheck::load_scenario(file.write(text), kName);
  } catch (const std::exception& e) {
    lf::fail("load_scenario threw", e.what());
  }
  if (sc.ok()) {
    lf::require(sc.error.empty(), "a valid scenario with an error", sc.error);
    check_valid(sc);
  } else {
    check_error(sc, text);
  }
  return 0;
}
