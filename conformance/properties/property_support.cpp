#include "property_support.h"

#include <rapidcheck.h>

#include <cstdlib>

#include "loopcheck/adapters.h"
#include "loopcheck/aio_adapter.h"
#include "loopcheck/generate/regression.h"
#include "rc_choices.h"

namespace loopcheck::props {

gen::GenOptions probe_options() { return gen::probe_options(); }

Json run_on_sim(const Json& scenario, std::uint64_t seed) {
  aio_adapter::AdapterOptions o;
  o.backend = aio_adapter::Backend::sim;
  o.seed = seed;
  return from_plain(aio_adapter::run_scenario(to_plain(scenario), o));
}

std::string regressions_dir() {
  if (const char* d = std::getenv("LOOPCHECK_REGRESSIONS_DIR"); d && *d) return d;
  return std::string(LOOPCHECK_SOURCE_DIR) + "/scenarios/regressions";
}

Json reference_result(const Json& scenario, std::string& who) {
  try {
    AdapterSpec spec = find_adapter("asyncio", LOOPCHECK_SOURCE_DIR);
    if (spec.unavailable.empty()) {
      auto session = make_session(spec, SessionOptions{});
      Json ready = session->start();
      Outcome o = session->run(scenario, Json(1), RunOptions{});
      session->stop();
      if (o.kind == Outcome::kAnswer && o.result.value("status", "") == "done") {
        who = "asyncio (" + ready["implementation"].value("name", "") + " " + ready["implementation"].value("version", "") + ")";
        return o.result;
      }
    }
  } catch (const std::exception&) {
    // fall through to the simulator
  }
  who = "sim (the asyncio adapter did not run here: check the expected trace by hand)";
  return run_on_sim(scenario);
}

PropertyOutcome check_invariant(const std::string& name, const std::vector<std::string>& rules, Invariant invariant,
                                const std::string& out_dir) {
  PropertyOutcome out;
  Json last_scenario;
  std::string last_why;
  const gen::GenOptions options = probe_options();
  out.passed = rc::check(name, [&] {
    RapidcheckChoices choices;
    Json sc = gen::generate_scenario(choices, options);
    Json result = run_on_sim(sc);
    std::string why = invariant(result);
    if (!why.empty()) {
      last_scenario = sc;  // rapidcheck's last failing evaluation is its minimal case
      last_why = why;
      RC_FAIL(why);
    }
  });
  if (out.passed) return out;
  out.why = last_why;
  out.scenario = last_scenario;
  std::string who;
  Json right = reference_result(last_scenario, who);
  std::string right_why = invariant(right);
  gen::RegressionInfo info;
  info.name = gen::regression_name("property_" + name);
  info.title = "property " + name + " failed on aio's simulator";
  info.rules = rules;
  info.notes = "Shrunk by rapidcheck from the property test " + name + " (conformance/properties/) on sim: " + last_why +
               ". The expected trace is " + who + "'s" +
               (right_why.empty() ? ", where the property holds." : "; the property fails there too: " + right_why + ".");
  try {
    out.file = gen::write_regression(out_dir, last_scenario, right, info);
  } catch (const std::exception& e) {
    out.write_error = e.what();
  }
  return out;
}

}  // namespace loopcheck::props
