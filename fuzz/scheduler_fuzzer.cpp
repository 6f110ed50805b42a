// Fuzz target `scheduler`: the bytes are the scenario generator's decisions (ByteChoices, the
// same generator as `loopcheck fuzz` and the property tests), so every input is a valid
// operation sequence: callbacks, timers (equal times allowed), cancellation, stop, close,
// exceptions and handlers, futures, tasks. It runs on aio's simulator and on the reference
// model with aio's tie-break (fifo), and checks:
// - the two runs agree: status, every event, final state (compare_runs; log events aside, as
//   the model has no capability logs);
// - the simulator ran twice with the same seed gives the same answer, fingerprint included;
// - on probed inputs (the first decision), the seven loop invariants hold on the simulator's
//   trace (invariants.h: exactly once, call_soon FIFO, no early timer, closed batches, stop
//   finishes the batch, one handler call per raising callback, cancelled never runs).
// A failure aborts with the scenario, so the crash file replays it (and the message shows the
// program to turn into a scenario file with `loopcheck fuzz`'s writer, or by hand).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "loopcheck/aio_adapter.h"
#include "loopcheck/generate/choices.h"
#include "loopcheck/generate/compare.h"
#include "loopcheck/generate/generate.h"
#include "loopcheck/generate/invariants.h"
#include "loopcheck/json.h"
#include "loopcheck/refmodel.h"

namespace {

using loopcheck::Json;
namespace gen = loopcheck::gen;

gen::GenOptions options_for(bool probes) {
  gen::GenOptions o = probes ? gen::probe_options() : gen::GenOptions{};
  o.ties = true;  // both sides break ties the same way (scheduling order)
  return o;
}

nlohmann::json run_sim(const nlohmann::json& scenario) {
  loopcheck::aio_adapter::AdapterOptions o;
  o.backend = loopcheck::aio_adapter::Backend::sim;
  o.seed = 1;
  nlohmann::json r = loopcheck::aio_adapter::run_scenario(scenario, o);
  r.erase("duration");  // real seconds: the one field that may differ between two runs
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gen::ByteChoices choices(data, size);
  const bool probes = choices.pick(2) == 1;
  const Json scenario = gen::generate_scenario(choices, options_for(probes));
  const nlohmann::json plain = loopcheck::to_plain(scenario);
  const std::string program = scenario["program"].dump();

  const nlohmann::json sim = run_sim(plain);
  loopcheck::fuzz::require(sim == run_sim(plain), "the simulator gave two answers for one seed",
                           "program: " + program);

  loopcheck::refmodel::ModelOptions mo;
  mo.ties = loopcheck::refmodel::TieBreak::fifo;
  const Json sim_result = loopcheck::from_plain(sim);
  const Json model_result = loopcheck::from_plain(loopcheck::refmodel::run_scenario(plain, mo));
  gen::CompareTolerance tol;
  tol.logs = false;
  const gen::Comparison c = gen::compare_runs(sim_result, model_result, tol);
  loopcheck::fuzz::require(c.agree, "aio's simulator and the reference model (fifo) disagree",
                           c.difference + "\nprogram: " + program);

  if (probes && sim_result.value("status", "") == "done") {
    for (auto check : {loopcheck::props::exactly_once, loopcheck::props::call_soon_fifo,
                       loopcheck::props::no_early_timer, loopcheck::props::batch_closed,
                       loopcheck::props::stop_batch, loopcheck::props::handler_once,
                       loopcheck::props::cancelled_never}) {
      const std::string broken = check(sim_result);
      loopcheck::fuzz::require(broken.empty(), "a loop invariant is broken on the simulator",
                               broken + "\nprogram: " + program);
    }
  }
  return 0;
}
