#pragma once
// The state behind aio::Task: a future whose result comes from a coroutine that the loop steps
// (tasks.py: Task.__init__, __step, __wakeup, cancel, uncancel, __del__). Internal to aio.

#include <coroutine>
#include <cstdint>
#include <optional>
#include <string>

#include "aio/context.h"
#include "aio/coro.h"
#include "aio/detail/future_state.h"
#include "aio/detail/handle_state.h"

namespace aio::detail {

class TaskCore : public FutureCore {
 public:
  TaskCore(EventLoop* owner, const std::type_info& type, std::coroutine_handle<> top,
           PromiseBase& promise, const std::optional<Context>& context);
  ~TaskCore() override;

  // Task.__init__'s tail: schedules the first step with call_soon (ORD-14) and joins the
  // loop's tasks. If call_soon raises, the task is left pending and unscheduled.
  void start();

  // Task.__step: runs the coroutine until it awaits or ends (FUT-11).
  void step(std::exception_ptr exc);
  // Task.__wakeup: the awaited future is done; step with its exception, if any.
  void wakeup(FutureCore& future);
  // Queues __wakeup(future) with call_soon: `future`'s done callback for this task. `self`
  // is the reference that callback held, which this takes over.
  void schedule_wakeup(FutureCore& future, TaskCore* self);
  // What the task's own handle runs: __wakeup from the awaited future, or __step throwing in
  // what schedule_step left (internal to the step handle).
  void run_own_handle(bool wakeup);

  bool cancel(std::optional<std::string> msg) override;  // CAN-11, CAN-13
  std::uint32_t cancelling() const noexcept { return num_cancels_requested_; }
  std::uint32_t uncancel() noexcept;  // CAN-19

  std::string name() const;
  void set_name(std::string name);
  std::string repr() const override;
  const char* class_name() const noexcept override { return "Task"; }
  // "main() running at file:line" / "main() done, defined at file:line".
  std::string coro_repr() const;

  // Destroys the frame of a task that will never run again (its loop closed), and with it
  // what the frame holds: other tasks and futures, which may refer back to this one. The
  // future it awaits stays (cancel() still reaches it, as in CPython).
  void drop_frame() noexcept;
  // The loop is being destroyed: the awaited future is let go (it may hold the last reference
  // to this task through its wakeup callback), the task leaves the loop's list, and reports go
  // to the log from then on.
  void forget_waiter() noexcept;
  void unregistered() noexcept { registered_ = false; }
  void detach_from_loop() noexcept;

  // Set by an await that suspends (yield_to_task).
  std::coroutine_handle<> resume_point;
  FutureCore* yielded = nullptr;  // holds a reference; null for a bare yield
  bool has_yielded = false;

  bool log_destroy_pending = true;  // false for run_until_complete's own task (RUN-08)
  TaskCore* prev_task = nullptr;    // the loop's list of tasks
  TaskCore* next_task = nullptr;

 protected:
  // Moves the finished top frame's return value into the result slot.
  virtual void take_result() = 0;
  PromiseBase* promise() const noexcept { return promise_; }
  std::coroutine_handle<> top() const noexcept { return top_; }
  void last_release() noexcept override;

 private:
  void schedule_step(std::exception_ptr exc);
  // Queues the task's own step handle (see TaskStepHandle) for a step throwing `exc` in, or
  // for the wakeup from fut_waiter_; false if it is in use (then `exc` and `self` are left
  // alone). `self`, if given, is a reference to this task that the handle takes over.
  bool queue_own_handle(std::exception_ptr& exc, bool wakeup, TaskCore* self);
  // The body of step(), inline in the step handle's call (task_step.cpp).
  void step_now(std::exception_ptr& exc);
  [[noreturn]] void raise_already_done(const std::exception_ptr& exc) const;
  void run_coroutine(std::exception_ptr& exc);
  void after_return();
  void after_yield();
  // after_yield for anything but a pending future of this loop; takes over `result`.
  void after_odd_yield(FutureCore* result);

  std::coroutine_handle<> top_;
  PromiseBase* promise_;
  Location coro_where_;
  std::uint64_t number_ = 0;  // Task-<n> when it has no name of its own
  std::unique_ptr<std::string> name_;  // null: Task-<number_>
  bool must_cancel_ = false;
  std::uint32_t num_cancels_requested_ = 0;
  FutureCore* fut_waiter_ = nullptr;  // holds a reference
  std::optional<Context> explicit_context_;
  ContextData own_context_;
  bool registered_ = false;
  bool coro_finished_ = false;  // it returned or raised (a frame dropped at close did not)
  TaskStepHandle step_handle_;  // reused for every step and wakeup
  std::exception_ptr own_exc_;  // what the step the step handle runs throws in
};

template <class T>
class TaskState final : public TaskCore {
 public:
  TaskState(EventLoop* owner, std::coroutine_handle<Promise<T>> frame,
            const std::optional<Context>& context)
      : TaskCore(owner, typeid(T), frame, frame.promise(), context) {
    result_slot = &slot_;
  }
  void describe_result(std::string& out) const override { slot_.describe(out); }

 protected:
  void take_result() override {
    auto frame = std::coroutine_handle<Promise<T>>::from_address(top().address());
    if constexpr (std::is_void_v<T>)
      frame.promise().take();
    else
      slot_.value.emplace(frame.promise().take());
  }

 private:
  ResultSlot<T> slot_;
};

}  // namespace aio::detail
