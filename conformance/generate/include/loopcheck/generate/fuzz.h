// Differential runs (`loopcheck fuzz`): generate scenarios from a seed, run each on two
// adapters through the usual sessions, compare the answers (compare.h), shrink every
// divergence (shrink.h) and write it as a regression scenario (regression.h) with the
// trace of the adapter taken as right. It prints nothing; the command line does.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "loopcheck/adapters.h"
#include "loopcheck/generate/generate.h"

namespace loopcheck::gen {

struct FuzzConfig {
  AdapterSpec a, b;
  SessionOptions session;       // isolation, the loopcheck binary
  std::uint64_t seed = 1;       // scenario k comes from scenario_seed(seed, k)
  long long first = 0;          // the index of the first scenario
  long long count = 100;        // scenarios (0: until `seconds`)
  double seconds = 0;           // stop after this many real seconds (0: no limit)
  int right = 1;                // 0 or 1: whose trace the regression files expect
  std::string out_dir;          // where divergences are written
  GenOptions options;           // tasks is turned off if either adapter lacks it
  int shrink_tests = 500;       // predicate calls per divergence
  int max_divergences = 10;     // stop after this many
  double deadline = 10;         // real seconds per run
  std::function<void(const std::string&)> progress;  // one line per event worth telling
};

struct Divergence {
  long long index = 0;        // which scenario
  std::string difference;     // of the shrunk case
  std::string signature;      // compare.h: divergences with a known signature are not written
  std::string file;           // the regression written (empty if writing failed)
  std::size_t picks_before = 0, picks_after = 0;
  int shrink_tests = 0;
};

struct FuzzOutput {
  long long run = 0;          // scenarios run on both
  long long skipped = 0;      // an adapter declined (unsupported, skipped)
  long long stalled = 0;      // both stalled
  long long repeats = 0;      // divergences with a signature already found (not shrunk again)
  std::vector<Divergence> divergences;
  std::vector<std::string> errors;  // generator bugs (invalid scenarios), adapters that would not start
  double seconds = 0;
  std::string implementation_a, implementation_b;
};

std::uint64_t scenario_seed(std::uint64_t seed, long long index);

FuzzOutput run_fuzz(const FuzzConfig& config);

}  // namespace loopcheck::gen
