// Task.__step and Task.__wakeup (tasks.py), step for step: what a step does with the
// coroutine's outcome (FUT-11), and with what it awaits (FUT-06).
#include <cxxabi.h>

#include "aio/event_loop.h"
#include "aio/task.h"
#include "future_calls.h"

namespace aio::detail {

void yield_to_task(std::coroutine_handle<> where, FutureCore* future) noexcept {
  TaskCore* task = tls_current_task;
  task->resume_point = where;
  if (future) future->add_ref();
  task->yielded = future;
  task->has_yielded = true;
}

namespace {

bool is_base_exception(const std::exception_ptr& error) noexcept {
  try {
    std::rethrow_exception(error);
  } catch (const BaseException&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

namespace {

// What a task's own handle runs: a step, or the wakeup from the future it awaited.
struct StepCall {
  TaskCore* task;  // the handle holds the reference
  std::exception_ptr exc;
  CoreRef wakeup_from;
  void operator()() {
    if (wakeup_from)
      task->wakeup(*wakeup_from.get());
    else
      task->step(std::exchange(exc, nullptr));
  }
  const char* name() const noexcept { return wakeup_from ? "Task.task_wakeup" : "Task.task_step"; }
  std::string handle_repr() const { return task->repr(); }
};

}  // namespace

bool TaskCore::queue_own_handle(std::exception_ptr& exc, FutureCore* wakeup_from, CoreRef* self) {
  HandleState& h = step_handle_.h;
  if (h.refs != 0) return false;  // still referenced (a Handle from current_handle())
  // Built in place, field by field: moving a just-built StepCall in as a whole makes the CPU
  // load 16 bytes it stored as two 8-byte halves, which stalls store forwarding.
  using B = Bound<StepCall>;
  static_assert(kFitsInline<B, sizeof(step_handle_.callback)>);
  ::new (static_cast<void*>(h.storage())) B{StepCall{this, std::move(exc), CoreRef(wakeup_from)}, {}};
  h.ops = &InlineOps<B>::ops;
  h.has_callback = true;
  h.cancelled.store(false, std::memory_order_relaxed);
  h.running = false;
  h.debug = loop->get_debug();
  if (self)
    self->detach();  // the caller's reference to this task is now the handle's
  else
    add_ref();  // held while the handle is referenced
  h.refs = 1;
  loop->push_internal(&h);
  return true;
}

void TaskCore::schedule_step(std::exception_ptr exc) {
  loop->check_schedulable();
  if (!queue_own_handle(exc, nullptr, nullptr))
    loop->call_soon_internal(TaskStep{CoreRef(this), std::move(exc)});
}

void TaskCore::schedule_wakeup(FutureCore& future, CoreRef self) {
  loop->check_schedulable();
  std::exception_ptr none;
  if (!queue_own_handle(none, &future, &self))
    loop->call_soon_internal(TaskWakeup{std::move(self)}, FutureArg{CoreRef(&future)});
}

void TaskCore::wakeup(FutureCore& future) {
  std::exception_ptr exc;
  if (future.cancelled()) {
    exc = future.make_cancelled_error();  // CAN-24: the awaited future's message
  } else if (future.error) {
    future.log_traceback = false;  // future.result() retrieved it
    exc = future.error;
  }
  step(std::move(exc));
}

void TaskCore::step(std::exception_ptr exc) {
  if (done())
    throw InvalidStateError("_step(): already done: " + repr() + ", " + exception_repr(exc));
  if (must_cancel_) {
    if (!is_cancelled_error(exc)) exc = make_cancelled_error();
    must_cancel_ = false;
  }
  if (fut_waiter_) std::exchange(fut_waiter_, nullptr)->release();
  if (!top_) return;  // the frame was dropped (the loop closed): nothing can run
  // (The handle running this step holds a reference to the task.)
  loop->enter_task(this);
  struct Leave {
    TaskCore* task;
    ~Leave() {
      if (task->loop) task->loop->leave_task(task);
    }
  } leave{this};
  run_coroutine(std::move(exc));
  if (top_.done())
    after_return();
  else
    after_yield();
}

void TaskCore::run_coroutine(std::exception_ptr exc) {
  ContextData& context = explicit_context_ ? explicit_context_->data() : own_context_;
  EnteredContext entered(context);
  TaskCore* previous = std::exchange(tls_current_task, this);
  has_yielded = false;
  tls_throw_in = exc ? &exc : nullptr;
  std::exchange(resume_point, {}).resume();
  tls_throw_in = nullptr;
  tls_current_task = previous;
}

// The coroutine returned or raised (coro.send ended with StopIteration or an exception).
void TaskCore::after_return() {
  std::exception_ptr outcome = promise_->error;
  coro_finished_ = true;
  struct DropFrame {
    TaskCore* task;
    ~DropFrame() { task->drop_frame(); }  // the frame is freed as soon as the task is done
  } drop{this};
  if (!outcome) {
    if (must_cancel_) {
      must_cancel_ = false;  // CAN-16: cancelled right before the coroutine returned
      FutureCore::cancel(cancel_message());
    } else {
      take_result();
      finish_with_result();
    }
  } else if (is_cancelled_error(outcome)) {
    cancelled_exc = outcome;  // CAN-15, CAN-20: chained to what the awaiters see
    FutureCore::cancel(std::nullopt);
  } else if (is_base_exception(outcome)) {
    FutureCore::set_exception(outcome);
    std::rethrow_exception(outcome);  // RUN-16: KeyboardInterrupt and SystemExit leave the loop
  } else {
    FutureCore::set_exception(outcome);
  }
}

// The coroutine awaited something not done: wait for it (FUT-06, FUT-11).
void TaskCore::after_yield() {
  if (!has_yielded) {
    // Only an await outside aio's awaitables could suspend without telling the task.
    schedule_step(std::make_exception_ptr(RuntimeError("Task got bad yield: " + repr())));
    return;
  }
  FutureCore* result = std::exchange(yielded, nullptr);
  if (result == nullptr) {
    schedule_step(nullptr);  // a bare yield: sleep(0)
    return;
  }
  CoreRef awaited = CoreRef::adopt(result);
  if (result->loop != loop) {
    schedule_step(std::make_exception_ptr(RuntimeError(
        "Task " + repr() + " got Future " + result->repr() + " attached to a different loop")));
  } else if (result == this) {
    schedule_step(std::make_exception_ptr(RuntimeError("Task cannot await on itself: " + repr())));
  } else {
    add_ref();
    result->add_callback(DoneCallback{nullptr, this});
    fut_waiter_ = awaited.detach();
    if (must_cancel_ && fut_waiter_->cancel(cancel_message())) must_cancel_ = false;  // CAN-17
  }
}

}  // namespace aio::detail
