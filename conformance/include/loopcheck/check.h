// The trace checker: does a trace match a scenario's expectation? A faithful port of
// conformance/adapters/python/check.py (the specification of matching):
// - an event item matches one event of its kind whose listed fields all match;
// - `sequence` matches its items one after another; `unordered` in any order, each on a
//   contiguous run of events; the top level is a sequence that must consume the trace;
// - every way of splitting the trace is explored (memoized on item and position), so the
//   verdict does not depend on the order alternatives are tried.
// On failure it names the furthest event it could not match and the items expected there.
// Unlike check.py it bounds its work: nested unordered groups can need a number of steps
// exponential in their sizes, and past a fixed budget (about two million steps, well under
// a second) the check fails with a problem saying the expectation is too complex.
#pragma once

#include <string>
#include <vector>

#include "loopcheck/expect.h"
#include "loopcheck/json.h"

namespace loopcheck {

inline constexpr double kVirtualEps = 1e-6;

struct Tolerance {
  enum Mode { kVirtual, kReal } mode = kVirtual;
  double early = 0.01;  // real time: how much earlier than expected an event may be
  double late = 0.1;    // real time: how much later
  bool time_ok(double expected, const Json& actual) const;
};

// `*` any text (newlines too), `?` one character, `\` escapes the next character.
bool glob_match(const std::string& pattern, const Json& text);
bool value_equal(const Json& expected, const Json& actual, const Tolerance* tol);
bool atom_matches(const Item& item, const Json& event, const Tolerance& tol);

struct CheckResult {
  bool ok = false;
  std::vector<std::string> problems;
};

// Matches `events` (a JSON array of trace events) and `final` against the expectation.
CheckResult check_trace(const Expectation& expect, const Json& events, const Json& final,
                        const Tolerance& tol);

// json.dumps(event, sort_keys=True), as the reference prints events in messages.
std::string event_text(const Json& event);
// The trace as numbered lines ("  #0   {...}").
std::string format_trace(const Json& events);

}  // namespace loopcheck
