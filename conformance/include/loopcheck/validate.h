// Validates a whole scenario (a port of conformance/adapters/python/validate.py; the checks
// and their messages are the reference's, so both validators report the same path and text):
// - top-level keys and metadata (id, rules, level, doc, since/until, needs, tags, timeout);
// - every step: known op, known and required fields, field types, where it may appear;
// - ids: defined once, and every reference names an id of a kind the field accepts;
// - `needs` lists every capability the program uses;
// - the `expect` section (compile_expect).
#pragma once

#include "loopcheck/expect.h"
#include "loopcheck/json.h"

namespace loopcheck {

struct Validated {
  Json normalized;  // steps as {"op": name, field: value}; needs and timeout filled in
  Expectation expect;
};

// Throws ScenarioError (path + message) on the first problem, as the reference does.
Validated validate_scenario(const Json& scenario);

}  // namespace loopcheck
