// What the property tests share: a generated, probed scenario run on aio's simulator
// (in-process), a rapidcheck run of one invariant, and, when it fails, the shrunk case
// written as a regression scenario whose expected trace is CPython's (the asyncio adapter,
// when it runs here) or else the simulator's, said so in its notes.
//
// Environment: RC_PARAMS (rapidcheck's own: "max_success=2000 seed=7" for more cases, a
// given seed); LOOPCHECK_REGRESSIONS_DIR: where failing cases go (default the source tree's
// scenarios/regressions/).
#pragma once

#include <string>

#include "loopcheck/generate/invariants.h"
#include "loopcheck/generate/generate.h"
#include "loopcheck/json.h"

namespace loopcheck::props {

// The generator's settings for the invariant properties (probes on).
gen::GenOptions probe_options();

// Runs a scenario on aio's simulator in-process: the protocol's result fields.
Json run_on_sim(const Json& scenario, std::uint64_t seed = 1);

std::string regressions_dir();

struct PropertyOutcome {
  bool passed = true;
  std::string why;   // the minimal case's violation
  std::string file;  // the regression written (empty if passed or writing failed)
  std::string write_error;
  Json scenario;     // the minimal case
};

// rc::check of `invariant` on probed scenarios run on the simulator. `name` is the file
// name for a failure (regressions/<name>.yaml) and `rules` the IDs it cites.
PropertyOutcome check_invariant(const std::string& name, const std::vector<std::string>& rules,
                                Invariant invariant, const std::string& out_dir = regressions_dir());

// The result taken as right for a regression: CPython's through the asyncio adapter when
// it runs here, else the simulator's. `who` says which.
Json reference_result(const Json& scenario, std::string& who);

}  // namespace loopcheck::props
