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

// What a task's own handle runs: a step, or the wakeup from the future it awaits. Trivially
// destructible: what the step throws in waits in the task (own_exc_), and the awaited future
// is the task's fut_waiter_, which holds it until the step is over.
struct StepCall {
  TaskCore* task;  // the handle holds the reference
  bool wakeup;
  void operator()() { task->run_own_handle(wakeup); }
  const char* name() const noexcept { return wakeup ? "Task.task_wakeup" : "Task.task_step"; }
  std::string handle_repr() const { return task->repr(); }
};

// What __wakeup throws into the step for a future that is done but has no result.
std::exception_ptr wakeup_exception(FutureCore& future) {
  if (future.cancelled()) return future.make_cancelled_error();  // CAN-24: its message
  future.log_traceback = false;  // future.result() retrieved it
  return future.error;
}

}  // namespace

[[gnu::always_inline]] inline bool TaskCore::queue_own_handle(std::exception_ptr& exc, bool wakeup,
                                                              TaskCore* self) {
  HandleState& h = step_handle_.h;
  if (h.refs != 0) [[unlikely]]
    return false;  // still referenced (a Handle from current_handle())
  using B = Bound<StepCall>;
  static_assert(kFitsInline<B, sizeof(step_handle_.callback)> && std::is_trivially_destructible_v<B>);
  ::new (static_cast<void*>(h.storage())) B{StepCall{this, wakeup}, {}};
  if (!wakeup)
    own_exc_ = std::move(exc);
  else if (own_exc_) [[unlikely]]
    own_exc_ = nullptr;  // left by a handle that was dropped without running
  h.ops = &InlineOps<B>::ops;
  h.has_callback = true;
  h.cancelled.store(false, std::memory_order_relaxed);
  h.running = false;
  h.debug = loop->get_debug();
  if (!self) add_ref();  // held while the handle is referenced (else the caller's is)
  h.refs = 1;
  loop->push_internal(&h);
  return true;
}

[[gnu::always_inline]] inline void TaskCore::run_coroutine(std::exception_ptr& exc) {
  ContextData& context = explicit_context_ ? explicit_context_->data() : own_context_;
  EnteredContext entered(context);
  TaskCore* previous = std::exchange(tls_current_task, this);
  has_yielded = false;
  tls_throw_in = exc ? &exc : nullptr;
  std::exchange(resume_point, {}).resume();
  tls_throw_in = nullptr;
  tls_current_task = previous;
}

// The coroutine awaited something not done: wait for it (FUT-06, FUT-11).
[[gnu::always_inline]] inline void TaskCore::after_yield() {
  FutureCore* result = std::exchange(yielded, nullptr);
  if (!has_yielded || result == nullptr || result->loop != loop || result == this) [[unlikely]] {
    after_odd_yield(result);
    return;
  }
  CoreRef awaited = CoreRef::adopt(result);
  add_ref();
  result->add_callback(DoneCallback{nullptr, this});
  fut_waiter_ = awaited.detach();
  if (must_cancel_ && fut_waiter_->cancel(cancel_message())) must_cancel_ = false;  // CAN-17
}

[[gnu::always_inline]] inline void TaskCore::step_now(std::exception_ptr& exc) {
  if (done()) [[unlikely]]
    raise_already_done(exc);
  if (must_cancel_) [[unlikely]] {
    if (!is_cancelled_error(exc)) exc = make_cancelled_error();
    must_cancel_ = false;
  }
  // _fut_waiter = None; the reference goes when the step is over (the wakeup's handle held the
  // future until then in CPython).
  const CoreRef waited = CoreRef::adopt(std::exchange(fut_waiter_, nullptr));
  if (!top_) [[unlikely]]
    return;  // the frame was dropped (the loop closed): nothing can run
  // (The handle running this step holds a reference to the task.)
  loop->enter_task(this);
  struct Leave {
    TaskCore* task;
    ~Leave() {
      if (task->loop) task->loop->leave_task(task);
    }
  } leave{this};
  run_coroutine(exc);
  if (top_.done()) [[unlikely]]
    after_return();
  else
    after_yield();
}

void TaskCore::schedule_step(std::exception_ptr exc) {
  loop->check_schedulable();
  if (!queue_own_handle(exc, false, nullptr))
    loop->call_soon_internal(TaskStep{CoreRef(this), std::move(exc)});
}

void TaskCore::schedule_wakeup(FutureCore& future, TaskCore* self) {
  CoreRef ref = CoreRef::adopt(self);  // released if the loop refuses
  loop->check_schedulable();
  if (&future == fut_waiter_) [[likely]] {
    std::exception_ptr none;
    if (queue_own_handle(none, true, self)) [[likely]] {
      ref.detach();  // the handle's now
      return;
    }
  }
  loop->call_soon_internal(TaskWakeup{std::move(ref)}, FutureArg{CoreRef(&future)});
}

void TaskCore::wakeup(FutureCore& future) {
  std::exception_ptr exc;
  if (future.status != FutureStatus::finished || future.error) exc = wakeup_exception(future);
  step_now(exc);
}

void TaskCore::run_own_handle(bool wakeup) {
  std::exception_ptr exc = std::exchange(own_exc_, nullptr);
  if (wakeup && fut_waiter_) [[likely]] {
    FutureCore& future = *fut_waiter_;
    if (future.status != FutureStatus::finished || future.error) [[unlikely]]
      exc = wakeup_exception(future);
  }
  step_now(exc);
}

void TaskCore::step(std::exception_ptr exc) { step_now(exc); }

void TaskCore::raise_already_done(const std::exception_ptr& exc) const {
  throw InvalidStateError("_step(): already done: " + repr() + ", " + exception_repr(exc));
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

void TaskCore::after_odd_yield(FutureCore* result) {
  if (!has_yielded) {
    // Only an await outside aio's awaitables could suspend without telling the task.
    schedule_step(std::make_exception_ptr(RuntimeError("Task got bad yield: " + repr())));
    return;
  }
  if (result == nullptr) {
    schedule_step(nullptr);  // a bare yield: sleep(0)
    return;
  }
  CoreRef awaited = CoreRef::adopt(result);
  if (result->loop != loop) {
    schedule_step(std::make_exception_ptr(RuntimeError(
        "Task " + repr() + " got Future " + result->repr() + " attached to a different loop")));
  } else {
    schedule_step(std::make_exception_ptr(RuntimeError("Task cannot await on itself: " + repr())));
  }
}

}  // namespace aio::detail
