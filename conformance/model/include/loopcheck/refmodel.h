#pragma once
// The reference model: runs one scenario of the scenario language (scenarios/README.md,
// version 1.1) on a model of CPython 3.11's event loop, futures and tasks on virtual time,
// and answers as every in-process adapter does (the protocol's `result` fields: status,
// trace, final, error?, duration). It is the oracle of the property tests and the fuzzers,
// and the adapter `model` (`loopcheck run --adapter model`).
//
//   loopcheck::refmodel::ModelOptions options{.ties = loopcheck::refmodel::TieBreak::fifo};
//   nlohmann::json result = loopcheck::refmodel::run_scenario(scenario, options);
//
// Must not: link or include aio (loop/, sim/), share scheduling code with it, read a real
// clock, or start threads. See conformance/model/README.md.

#include <nlohmann/json.hpp>

namespace loopcheck::refmodel {

// The order of timers with equal `when`.
//   heap: CPython's exactly (heapq on TimerHandle.__lt__, which compares `when` only);
//   fifo: by (when, scheduling sequence), the order aio documents.
enum class TieBreak { heap, fifo };

struct ModelOptions {
  TieBreak ties = TieBreak::heap;
};

// The protocol's `ready` answer: adapter and implementation, capabilities, time "virtual".
nlohmann::json describe(const ModelOptions& options);

// Validates (loopcheck::validate_scenario), runs and answers one scenario, given as JSON
// exactly as it travels in the protocol's `run` message. Never throws: an invalid scenario
// is status `invalid` (error.path names the place), a missing capability `skipped`, a loop
// that would wait forever `stalled`, a bug in the model `adapter_error`.
nlohmann::json run_scenario(const nlohmann::json& scenario, const ModelOptions& options);

}  // namespace loopcheck::refmodel
