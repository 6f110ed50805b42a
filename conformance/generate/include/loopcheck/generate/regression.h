// Writes a generated program as a regression scenario (scenarios/regressions/<name>.yaml):
// the program plus `expect.trace` built from the trace of the implementation taken as
// right (record / value / error / caught / handler / log items, each with `at`), id
// `regressions/<name>`, level reference, the rules it was checking, notes saying where it
// came from. The text is checked before it is written: it must load and validate, and
// read back to the same program. It does not decide what is right; the caller does.
#pragma once

#include <string>
#include <vector>

#include "loopcheck/json.h"

namespace loopcheck::gen {

struct RegressionInfo {
  std::string name;                 // file and id name: [a-z0-9_]+
  std::string title;                // one line
  std::vector<std::string> rules;   // catalogue IDs; empty: the scenario's own
  std::string notes;                // where it came from (seed, adapters, tool, difference)
};

// The `expect` section for a run result (status done): {trace: [...], final: {...}}.
Json expect_from_result(const Json& result);

// The YAML text of the scenario with that expectation. Throws std::runtime_error when the
// text would not load, validate or read back to the same program (a writer bug).
std::string regression_yaml(const Json& scenario, const Json& right_result, const RegressionInfo& info);

// Writes DIR/<name>.yaml (creating DIR) and returns its path; throws std::runtime_error.
std::string write_regression(const std::string& dir, const Json& scenario, const Json& right_result,
                             const RegressionInfo& info);

// "[a-z0-9_]" only, at most 60 characters.
std::string regression_name(const std::string& text);

}  // namespace loopcheck::gen
