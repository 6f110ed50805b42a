// Fuzz target check_trace: a fuzzed expectation and a fuzzed trace through the checker.
// Input: the `expect` section as YAML, a line "===", then an adapter's answer as JSON
// ({trace, final}, or just the list of events). Invariants: compile_expect throws only
// ScenarioError; check_trace never throws, terminates quickly (libFuzzer's -timeout), says
// ok exactly when it names no problem, in words the checker uses, and says the same on a
// second run; the trace the expectation itself describes passes.
#include <cstdint>
#include <string>

#include "expected_trace.h"
#include "fuzz_util.h"
#include "loopcheck/check.h"
#include "loopcheck/model.h"
#include "loopcheck/yaml_loader.h"

namespace lf = loopcheck::fuzz;
using loopcheck::Json;

namespace {

void check_once(const loopcheck::Expectation& ex, const Json& events, const Json& final,
                const loopcheck::Tolerance& tol) {
  loopcheck::CheckResult a, b;
  try {
    a = loopcheck::check_trace(ex, events, final, tol);
    b = loopcheck::check_trace(ex, events, final, tol);
  } catch (const std::exception& e) {
    lf::fail("check_trace threw", e.what());
  }
  lf::require(a.ok == a.problems.empty(), "ok and problems disagree");
  lf::require(a.ok == b.ok && a.problems == b.problems, "two checks of the same trace differ");
  for (const auto& p : a.problems)
    lf::require(p.rfind("unexpected event #", 0) == 0 || p.rfind("event #", 0) == 0 ||
                    p.rfind("the trace ended after ", 0) == 0 || p.rfind("final state: ", 0) == 0 ||
                    lf::too_complex({p}),
                "a problem the checker does not describe", p);
  (void)loopcheck::format_trace(events.is_array() ? events : Json::array());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = lf::split_parts(lf::as_text(data, size), "===");
  loopcheck::Expectation ex;
  try {
    const auto y = loopcheck::load_yaml_text(parts[0], "expect.yaml");
    ex = loopcheck::compile_expect(y.data, {"expect"});
  } catch (const loopcheck::LoadError&) {
    return 0;
  } catch (const loopcheck::ScenarioError& e) {
    lf::require(!e.path().empty() && e.path()[0] == "expect", "an expect error outside /expect", e.where());
    return 0;
  } catch (const std::exception& e) {
    lf::fail("compile_expect threw something other than ScenarioError", e.what());
  }
  Json answer = parts.size() > 1 ? Json::parse(parts[1], nullptr, false) : Json();
  if (answer.is_discarded()) answer = Json();
  const Json events = answer.is_object() && answer.contains("trace") ? answer["trace"] : answer;
  const Json final = answer.is_object() && answer.contains("final") ? answer["final"] : Json();
  loopcheck::Tolerance virtual_time, real_time;
  real_time.mode = loopcheck::Tolerance::kReal;
  check_once(ex, events, final, virtual_time);
  check_once(ex, events, final, real_time);

  // The trace the expectation itself describes passes.
  Json own = Json::array();
  if (lf::append_expected(*ex.trace, own)) {
    const auto r = loopcheck::check_trace(ex, own, ex.final, virtual_time);
    lf::require(r.ok || lf::too_complex(r.problems), "the trace an expectation describes does not pass",
                loopcheck::format_trace(own) + "\n" + (r.problems.empty() ? "" : r.problems[0]));
  }
  return 0;
}
