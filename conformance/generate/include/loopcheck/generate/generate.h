// The random scenario generator: a Choices source in, a valid scenario (scenarios/README.md,
// language 1.1) out. It passes loopcheck::validate_scenario, with `needs` listing what it
// uses, and its `expect` is empty (a comparison of two runs, or regression.h, fills it in).
// It must not run anything: running and comparing is the caller's business.
//
// What it generates: call_soon / call_later / call_at whose callbacks record, schedule more,
// cancel handles, stop, raise (ordinary errors, and KeyboardInterrupt / SystemExit), try /
// except, observe (time, is_running, h.cancelled, f.done ...) and block; futures
// (create_future, set_result, set_exception, cancel with msg, add/remove_done_callback);
// tasks (create_task with bodies that record, sleep, await futures and tasks, catch
// CancelledError, return and raise; cancel, uncancel); run_forever, run_until_complete (of a
// future, a task or a body), stop, close; set_exception_handler record; top-level block.
//
// Validity by construction: a step references an id only when the step that creates it
// surely ran before (earlier at the same level, or at top level before the callback was
// scheduled). Every run ends: each run_forever is preceded by a guard timer that stops
// the loop, each run_until_complete(x) by a guard timer that cancels x (a task that
// swallows that cancellation and awaits again can still stall: rare, and a `stalled`
// outcome compares like any other).
//
// Undefined orders. Times are dyadic (multiples of 1/16 s), so sums are exact in binary
// floating point on every implementation (multiples of 1/4 s with ties allowed, to make
// equal times frequent). Timers with equal `when` run in an order the
// docs leave undefined (ORD-08: aio runs them FIFO, CPython in heap order). With
// `ties = true` equal times are frequent: compare only implementations that break ties the
// same way (sim against the model in fifo mode). With `ties = false` the k-th timer (a
// call_later, call_at, sleep or guard) gets the offset 2^-(7+k) added to its time: every
// `when` is then a grid value plus a sum of distinct powers of two below the grid, and no
// two timers can share one, so any two conforming implementations (aio and CPython) must
// agree exactly. At most kMaxUniqueTimers timers are made then (the bits must fit a double).
// fd readiness order (the other undefined order, ORD-18) does not arise: no fds.
//
// Probes (`probes = true`, needs `internals`; for the invariant properties): every callback
// has an id and these `value` events tell what happened, each carrying loop iterations
// (`observe: iterations`: in a callback the current iteration, at top level the number
// done) and the time `t`:
//   s.<id> after a call_soon/call_later/call_at step; w.<id> its `when` (timers)
//   r.<id> first thing in the callback          c.<id> after a `cancel` of that handle
//   x.<id> just before an uncaught raise in it  stop  after a `stop` step in a callback
//   ret    after each top-level run step
// Probe mode needs tasks, futures, base_exceptions and close off (they call the handler or
// stop the loop in ways the probes do not see), and ends with a drain: a long run.
#pragma once

#include <cstdint>
#include <string>

#include "loopcheck/generate/choices.h"
#include "loopcheck/json.h"

namespace loopcheck::gen {

inline constexpr int kMaxUniqueTimers = 36;

struct GenOptions {
  bool tasks = true;            // create_task, await, sleep, run_until_complete of bodies
  bool futures = true;          // create_future and its operations, done callbacks
  bool base_exceptions = true;  // KeyboardInterrupt / SystemExit in callbacks and bodies
  bool ties = true;             // allow equal-time timers (see above)
  bool probes = false;          // invariant instrumentation (see above)
  bool close = true;            // the program may end with `close`
  int max_steps = 10;           // top-level steps before the final run
  int max_do = 4;               // steps in one callback or body
  int max_depth = 3;            // callbacks scheduled from callbacks, this deep
  int max_objects = 40;         // ids in one scenario
  std::string id = "regressions/generated";
};

// A valid scenario; `expect` is {trace: []}.
Json generate_scenario(Choices& choices, const GenOptions& options);

// The probed programs of the property tests and the scheduler fuzz target: callbacks and
// timers only, with `observe: iterations` probes, 8 top-level steps, no equal-time timers.
GenOptions probe_options();

// The options' settings as a JSON object (for notes and reports).
Json describe_options(const GenOptions& options);

}  // namespace loopcheck::gen
