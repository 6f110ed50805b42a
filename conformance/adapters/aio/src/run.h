#pragma once
// One scenario on one fresh aio loop: the objects its steps create, the trace, and the rules
// of execution every interpreter shares (scenarios/README.md section 3, "Where steps run"):
// - top-level program and thread bodies: an exception escaping a step is traced as an
//   `error` event naming the op, and the next step runs;
// - callback `do` lists: an exception escaping a step leaves the callback, so the loop sees
//   it (exception handler, or out of run_forever for SystemExit/KeyboardInterrupt);
// - task bodies: an exception escaping a step ends the coroutine with it (task_body.cpp).
// Problems of the scenario itself found while running (an id used before the step that
// creates it ran) and a simulated loop that would wait forever end the run with a status,
// never reach the loop as exceptions.
//
// The steps are split by subject: ops_schedule.cpp (callbacks, running, futures, tasks,
// exception handler, debug), ops_io.cpp (pipes, socket pairs, fds, threads), ops_flow.cpp
// (raise, try, record, observe, block).

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aio/context.h"
#include "aio/event_loop.h"
#include "aio/future.h"
#include "aio/gather.h"
#include "aio/task.h"
#include "errors.h"
#include "host.h"
#include "trace.h"

namespace loopcheck::aio_adapter {

using json = nlohmann::json;

// An object a step created, by kind (model.h).
struct Obj {
  std::string kind;
  aio::Handle handle;        // handle, timer
  aio::TimerHandle timer;    // timer
  aio::FutureBase base;      // future, task, gather: what does not need the result type
  aio::Future<json> future;  // future, task
  aio::Task<json> task;      // task
  int fds[2] = {-1, -1};     // pipe: r, w; socketpair: a, b
  std::shared_ptr<ScenarioThread> thread;
  // 1.1
  aio::Context context;                                    // context
  aio::Future<std::vector<json>> gather_values;            // gather without return_exceptions
  aio::Future<std::vector<std::exception_ptr>> gather_errors;  // gather with return_exceptions
  std::vector<aio::Future<json>> gather_children;          // gather: its arguments, in order
};

class Run;

// The callable behind call_soon & co., readers and writers: runs `steps` as a callback.
struct StepsCallback {
  Run* run;
  const json* steps;
  void operator()() const;
  static const char* name() noexcept { return "callback"; }
};

// A done callback: equal to another with the same id, so remove_done_callback finds every
// copy added under that id (as the same Python function object would be).
struct DoneCallback {
  Run* run;
  std::string id;
  const json* steps;
  void operator()() const;
  bool operator==(const DoneCallback& other) const { return run == other.run && id == other.id; }
  static const char* name() noexcept { return "done_callback"; }
};

class Run {
 public:
  Run(const json& scenario, Host& host);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  struct Outcome {
    std::string status;   // done, invalid, stalled
    std::string message;  // empty for done
  };
  // Runs the program, closes the trace, cleans up (threads, loop, fds).
  Outcome execute();
  json trace_events() const { return trace_.events(); }
  const json& final_state() const { return final_; }

  // -- shared by the steps -------------------------------------------------------------
  aio::EventLoop& loop() { return *loop_; }
  Host& host() { return host_; }
  Trace& trace() { return trace_; }
  double t0() const { return t0_; }
  double elapsed() const { return loop_->time() - t0_; }

  void top_steps(const json& steps);
  void steps(const json& steps, const std::exception_ptr& exc);
  void step(const json& st, const std::exception_ptr& exc);
  // A callback's body: internal aborts stop the run; other exceptions go to the loop.
  void run_callback(const json& steps);
  // Remembers the first internal abort (from a callback, task or thread) and stops the loop.
  void fail(const Abort& abort);
  void check_fatal();

  Obj get(const std::string& id) const;
  void put(const json& id, Obj obj);
  int fd(const std::string& ref) const;
  // Emits the `as` value event of a step, if it has one.
  void result(const json& st, json value);
  // Keeps the task a body runs in until the scenario ends (task_body).
  void keep_task(aio::TaskBase task) {
    std::lock_guard<std::mutex> lock(mutex_);
    body_tasks_.push_back(std::move(task));
  }
  // The except clause of `st` that handles `error` (emitting the `caught` event), or null.
  const json* handler_for(const json& st, const std::exception_ptr& error);
  // The id of a task the scenario created, "<other>" for any other task.
  json task_id(const aio::TaskBase& task) const;
  // The result of a done future, task or gather as a trace value (a gather's: a list, with
  // {type, message} for the exceptions return_exceptions gave). Raises as result() does.
  json result_of(const Obj& obj) const;

 private:
  bool step_schedule(const std::string& op, const json& st);
  bool step_tasks(const std::string& op, const json& st);
  bool step_io(const std::string& op, const json& st);
  bool step_flow(const std::string& op, const json& st, const std::exception_ptr& exc);
  bool step_v11(const std::string& op, const json& st, const std::exception_ptr& exc);
  void run_in_executor(const json& st);
  void gather(const json& st);
  void set_task_factory(const std::string& mode);
  void try_sync(const json& st, const std::exception_ptr& outer);
  void observe(const json& st);
  json loop_property(const std::string& prop);
  json object_property(const Obj& obj, const std::string& prop);
  void set_exception_handler(const json& st);
  void start_thread(const json& st);
  void cleanup();

  const json& scenario_;
  Host& host_;
  aio::Seams seams_;
  std::unique_ptr<aio::EventLoop> loop_;
  double t0_ = 0;
  Trace trace_;
  json final_;
  std::optional<std::string> handler_mode_;
  std::optional<std::string> factory_mode_;
  aio::ContextVar<json> var_{"var", json()};  // 1.1: set_var, observe var

  mutable std::mutex mutex_;  // objs_, callbacks_ and fatal_: threads use them too
  std::map<std::string, Obj> objs_;
  std::map<std::string, DoneCallback> callbacks_;
  // Every task a body runs in (run_until_complete's too, which the program has no id for):
  // objects live to the end of the scenario (README section 3), so none is freed mid-run.
  std::vector<aio::TaskBase> body_tasks_;
  std::optional<Abort> fatal_;
};

// The coroutine a task runs: the steps of `body` (task_body.cpp).
aio::Coro<json> task_body(Run* run, const json* body);

}  // namespace loopcheck::aio_adapter
