#pragma once
// The callables the loop queues for futures and tasks: a done callback with its future, a
// task's wakeup, a task's step. Each fits a handle's inline storage (no allocation) and
// releases what it holds if it is dropped without running (a closed loop). Internal to aio.

#include <exception>
#include <string>
#include <utility>

#include "aio/detail/future_core.h"
#include "aio/detail/task_core.h"
#include "aio/event_loop.h"

namespace aio::detail {

// The future a done callback gets, shown by its repr in "Exception in callback f(<Future ...>)".
struct FutureArg {
  CoreRef ref;
  std::string repr() const { return ref ? ref->repr() : "None"; }
};

struct RunBox {
  CallbackBox* box;
  explicit RunBox(CallbackBox* b) noexcept : box(b) {}
  RunBox(RunBox&& other) noexcept : box(std::exchange(other.box, nullptr)) {}
  RunBox& operator=(RunBox&&) = delete;
  ~RunBox() { delete box; }
  void operator()(FutureArg& future) { box->invoke(*future.ref.get()); }
  std::string name() const {
    std::string out;
    if (box) box->describe(out);
    return out;
  }
};

struct TaskWakeup {
  CoreRef task;
  void operator()(FutureArg& future) {
    static_cast<TaskCore*>(task.get())->wakeup(*future.ref.get());
  }
  static const char* name() noexcept { return "Task.task_wakeup"; }
  std::string handle_repr() const { return task->repr(); }
};

struct TaskStep {
  CoreRef task;
  std::exception_ptr exc;
  void operator()() { static_cast<TaskCore*>(task.get())->step(std::exchange(exc, nullptr)); }
  static const char* name() noexcept { return "Task.task_step"; }
  std::string handle_repr() const { return task->repr(); }
};

// Queues every callback of `list` with call_soon, in order, passing `future` (ORD-15); a task's
// wakeup goes through the task's own handle. If the loop refuses (closed, CLS-09), the rest are
// dropped with the list and the error propagates.
inline void schedule_on(EventLoop& loop, FutureCore& future, DoneCallbacks& list) {
  const std::size_t n = list.size();
  for (std::size_t i = 0; i < n; ++i) {
    DoneCallback cb = std::exchange(list[i], DoneCallback{});
    if (cb.task)
      cb.task->schedule_wakeup(future, cb.task);
    else
      loop.call_soon_internal(RunBox(cb.box), FutureArg{CoreRef(&future)});
  }
  list.forget_taken();
}

}  // namespace aio::detail
