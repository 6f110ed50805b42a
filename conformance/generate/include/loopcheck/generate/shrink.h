// Shrinks a failing generated scenario by editing the choice sequence that produced it:
// delete chunks (32 .. 1 picks), then lower values (to 0, halve, minus one), then lower one
// and delete the few picks after it together; re-generate
// with ReplayChoices and keep the edit when the predicate still fails. Deterministic: the
// same input, options and predicate give the same result. It runs nothing itself; the
// predicate does.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "loopcheck/generate/generate.h"

namespace loopcheck::gen {

struct ShrinkResult {
  std::vector<std::uint32_t> picks;  // the smallest failing sequence found (as answered)
  Json scenario;                     // generated from it
  int tests = 0;                     // predicate calls
  int improvements = 0;
};

// `fails(scenario)` is true when the scenario still shows the problem. `picks` must fail.
// Stops after `max_tests` predicate calls.
ShrinkResult shrink(const std::vector<std::uint32_t>& picks, const GenOptions& options,
                    const std::function<bool(const Json&)>& fails, int max_tests = 500);

}  // namespace loopcheck::gen
