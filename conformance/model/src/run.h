#pragma once
// One scenario on one fresh model loop: the objects its steps create, the trace, and the
// rules of execution every interpreter shares (scenarios/README.md section 3, "Where steps
// run"; the Python driver's interp.py and ops.py, whose structure this follows):
// - top-level program: an exception escaping a step is traced as an `error` event naming
//   the op, and the next step runs;
// - callback `do` lists: an exception escaping a step leaves the callback, so the loop sees
//   it (exception handler, or out of run_forever for SystemExit/KeyboardInterrupt);
// - task bodies: an exception escaping a step ends the coroutine with it (run_body.cpp).
// A problem of the scenario found while running (an id used before the step that creates
// it ran) and a loop that would wait forever end the run with a status (Abort, Stalled);
// they never reach the loop as exceptions.
//
// The steps are split by subject: run_ops.cpp (every step), run_observe.cpp (observe),
// run_body.cpp (the task body coroutine: await, sleep, return, and try/repeat that await).
// Must not: share code with aio's interpreter (conformance/adapters/aio/).

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "event_loop.h"
#include "program.h"
#include "tasks.h"
#include "trace.h"

namespace loopcheck::refmodel {

// What a slot is bound to.
enum class Kind : std::uint8_t { none, handle, timer, future, task, gather, context, callback };

struct Obj {
  Kind kind = Kind::none;
  HandleRef handle;                 // handle, timer
  Future* future = nullptr;         // future, task, gather
  ContextRef context;               // context
  const StepList* steps = nullptr;  // callback: the steps of the done callback's first `do`
};

class Run {
 public:
  Run(const Program& program, const ModelOptions& options);
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  struct Outcome {
    std::string status;   // done, invalid, stalled, unsupported
    std::string message;  // empty for done
  };
  // Runs the program, closes the trace, cleans up.
  Outcome execute();
  nlohmann::json take_trace() { return trace_.take(); }
  const nlohmann::json& final_state() const { return final_; }

  // -- shared by the steps -------------------------------------------------------------
  EventLoop& loop() { return loop_; }
  void top_steps(const StepList& steps);
  void steps(const StepList& steps, const Exc& exc);
  void step(const Step& st, const Exc& exc);
  // The callable behind call_soon & co.: runs `steps` as a callback.
  std::function<void()> callback(const StepList& steps);
  // Remembers the first internal abort (from a callback or a task) and stops the loop.
  void fail(const Abort& abort);

  const Obj& get(int slot) const;
  Future* future(int slot) const { return get(slot).future; }
  Task* task(int slot) const;
  void put(int slot, Obj obj);
  // Emits the `as` value event of a step, if it has one.
  void result(const Step& st, nlohmann::json value);
  // The except clause of `st` that handles `error` (emitting the `caught` event), or null.
  const Clause* handler_for(const Step& st, const std::exception_ptr& error);
  // The coroutine a task runs: the steps of `body` (run_body.cpp).
  Coro task_body(const StepList& body);

 private:
  void try_sync(const Step& st, const Exc& outer);
  void run_until_complete(const Step& st);
  void create_task(const Step& st);
  void add_done_callback(const Step& st);
  void set_exception_handler(const Step& st);
  void set_task_factory(const Step& st);
  void observe(const Step& st);
  nlohmann::json loop_property(Prop prop);
  nlohmann::json object_property(const Obj& obj, Prop prop);
  ContextRef context_of(const Step& st) const;  // the `context` field, if given
  CallbackInfo info(const StepList& steps) const { return CallbackInfo{"callback", &steps.where}; }
  void cleanup();

  const Program& program_;
  EventLoop loop_;
  double t0_;
  Trace trace_;
  nlohmann::json final_;
  std::vector<Obj> objs_;  // by slot
  std::optional<std::string> handler_mode_;
  std::optional<std::string> factory_mode_;
  std::optional<Abort> fatal_;
};

}  // namespace loopcheck::refmodel
