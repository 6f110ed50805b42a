// Model-based property: random scenarios (equal-time timers allowed) run on aio's
// simulator and on the reference model in fifo mode (aio's tie-break) must give the same
// trace, status and final state. Built only when the target loopcheck_model exists.
// A divergence is shrunk by rapidcheck and written as a regression scenario whose expected
// trace is the model's.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <nlohmann/json.hpp>

#include "loopcheck/generate/compare.h"
#include "loopcheck/generate/regression.h"
#include "loopcheck/refmodel.h"
#include "property_support.h"
#include "rc_choices.h"


namespace loopcheck::props {
namespace {

TEST(Model, ORD08_sim_and_model_fifo_agree_on_random_scenarios) {
  refmodel::ModelOptions mo;
  mo.ties = refmodel::TieBreak::fifo;
  gen::GenOptions o;
  o.ties = true;
  Json last_scenario, last_model;
  std::string last_why;
  const bool ok = rc::check("sim_vs_model", [&] {
    RapidcheckChoices choices;
    Json sc = gen::generate_scenario(choices, o);
    Json sim = run_on_sim(sc);
    Json model = from_plain(refmodel::run_scenario(to_plain(sc), mo));
    gen::CompareTolerance tol;
    tol.logs = false;  // the model has no capability logs: its default handler traces nothing
    gen::Comparison c = gen::compare_runs(sim, model, tol);
    if (!c.agree) {
      last_scenario = sc;
      last_model = model;
      last_why = c.difference;
      RC_FAIL(c.difference);
    }
  });
  if (ok) return;
  gen::RegressionInfo info;
  info.name = "property_sim_vs_model";
  info.title = "aio's simulator and the reference model (fifo ties) disagree";
  info.rules = {"ORD-01", "ORD-03", "ORD-08"};
  info.notes = "Shrunk by rapidcheck from the property test sim_vs_model (conformance/properties/): " + last_why +
               ". The expected trace is the model's (fifo ties); sim and the model may both be wrong: check against CPython.";
  std::string file;
  try {
    file = gen::write_regression(regressions_dir(), last_scenario, last_model, info);
  } catch (const std::exception& e) {
    file = std::string("(not written: ") + e.what() + ")";
  }
  ADD_FAILURE() << "sim and the model diverge: " << last_why << "\n  shrunk case written to " << file;
}

}  // namespace
}  // namespace loopcheck::props
