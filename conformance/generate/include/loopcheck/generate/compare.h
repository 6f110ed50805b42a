// Compares two adapters' answers for one scenario (the protocol's `result` fields: status,
// trace, final, error), as a differential run needs: agree, or the first difference in
// words. It does not run anything and knows nothing of expectations files.
//
// What is compared: the status (and, when it is not `done`, nothing else but the error
// type); the events one by one: kind and every field, numbers numerically, `t` and the
// values of time events within the tolerance; the final state. What is not: the text after
// "Exception in callback " / "Exception in default exception handler" in handler and log
// messages (each implementation prints its own callback repr there); and `log` events at all
// when `logs` is off (one adapter lacks the capability logs, so it emits none).
#pragma once

#include <string>

#include "loopcheck/json.h"

namespace loopcheck::gen {

struct CompareTolerance {
  bool real_time = false;  // either adapter runs on real time
  double virtual_eps = 1e-6;
  double real_eps = 0.1;  // seconds, when real_time
  bool logs = true;       // compare log events: both adapters announce the capability logs
  double eps() const { return real_time ? real_eps : virtual_eps; }
};

struct Comparison {
  bool agree = true;
  std::string difference;  // empty when they agree
  // The kind of difference, without ids, numbers and reprs ("event kind: log ERROR vs
  // error run_forever KeyboardInterrupt"): equal signatures are most likely the same bug.
  std::string signature;
};

Comparison compare_runs(const Json& a, const Json& b, const CompareTolerance& tolerance = {});

// The message as compared: the callback repr after the known prefixes is cut to "*".
std::string normalize_message(const std::string& message);

}  // namespace loopcheck::gen
