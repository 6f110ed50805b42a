#pragma once
// EventLoop::run_until_complete for futures, tasks and coroutines (base_events.py). The part
// that does not depend on the result type is EventLoop::run_until_complete_base
// (run_until_complete.cpp). Included by event_loop.h.

#include "aio/event_loop.h"
#include "aio/future.h"
#include "aio/task.h"

namespace aio {

template <class T>
T EventLoop::run_until_complete(const Future<T>& future) {
  run_until_complete_base(future, false);
  return future.result();
}

template <class T>
T EventLoop::run_until_complete(const Task<T>& task) {
  run_until_complete_base(task, false);
  return task.result();
}

template <class T>
T EventLoop::run_until_complete(Coro<T> coro) {
  // RUN-07: both checks come before the coroutine is wrapped.
  check_closed();
  check_running();
  Task<T> task = create_task(std::move(coro));
  task.task()->log_destroy_pending = false;  // RUN-08
  run_until_complete_base(task, true);
  task.check_result();
  // Nobody else can see this task: its result is moved out rather than copied.
  if constexpr (!std::is_void_v<T>) return std::move(*detail::slot_of<T>(task.core()).value);
}

}  // namespace aio
