// The runner: selects scenarios (filter, level, shard, repeat), runs them on an adapter
// with N workers (each with its own session, restarted after a CRASH or TIMEOUT), checks
// each trace, applies the implementation's expectations file, and returns the run as the
// canonical record (metadata + one result per scenario run + summary). With
// check_determinism, each worker has a twin session (another adapter process) that runs every
// scenario again with the same seed; the first pair of runs that differ stops the run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loopcheck/adapters.h"
#include "loopcheck/determinism.h"
#include "loopcheck/results.h"
#include "loopcheck/scenario.h"

namespace loopcheck {

struct RunConfig {
  AdapterSpec adapter;
  SessionOptions session;           // isolation, the loopcheck binary
  std::string root;                 // the repository
  std::vector<std::string> paths;   // scenario files or directories (default: root/scenarios)
  std::vector<std::string> filters; // globs on the scenario id (any may match)
  std::string level;                // documented, reference, or empty for both
  int shard_index = 1, shard_count = 1;  // --shard K/N (1-based K)
  int jobs = 1;
  std::uint64_t seed = 1;           // run k of --repeat uses seed + k
  int repeat = 1;
  std::string expectations;         // file; empty: conformance/expectations/<implementation>.yaml
  double early = 0.01, late = 0.1;  // real-time tolerance
  double timeout_scale = 1.0;       // multiplies every deadline (sanitizers, slow CI)
  std::string stderr_dir;           // where adapters' stderr logs go; empty: discarded
  bool progress = false;            // a progress line on stderr
  std::vector<std::string> argv;    // the command line, for the metadata
  bool chaos = false;               // RunOptions::chaos on every run (the adapter must offer it)
  bool check_determinism = false;   // run each scenario twice, compare (determinism.h)
  // Makes worker k's session (k from 1); default: make_session(adapter, ...). Lets a
  // program embedding loopcheck_core (or a test) run an Adapter of its own.
  std::function<std::unique_ptr<Session>(int worker)> session_factory;
};

struct RunOutput {
  RunRecord record;
  std::vector<std::string> errors;  // harness problems (adapter would not start, bad
                                    // expectations file, corpus problems); each non-zero
  int exit_code = 0;                // 0: everything as expected
  std::optional<Divergence> divergence;  // check_determinism: the first pair that differed
};

// Scenarios of the corpus selected by filter, level and shard, in id order.
std::vector<const Scenario*> select_scenarios(const Corpus& corpus, const RunConfig& config);

RunOutput run_corpus(const Corpus& corpus, const RunConfig& config);

// The verdict of one adapter answer (a `result` message) for a valid scenario.
struct Verdict {
  std::string status;
  std::vector<std::string> problems;
};
Verdict verdict_of(const Scenario& sc, const Json& answer, bool virtual_time, double early, double late);

}  // namespace loopcheck
