// tasks.Task.__step / __wakeup, cancel, uncancel; asyncio.sleep.
#include "tasks.h"

#include <algorithm>

#include "event_loop.h"
#include "loopcheck/json.h"

namespace loopcheck::refmodel {

Task::Task(EventLoop& loop, Coro coro, std::optional<std::string> name, ContextRef context)
    : Future(loop), coro_(std::move(coro)), context_(std::move(context)) {
  if (name)
    name_ = *name;
  else
    name_ = "Task-" + std::to_string(++loop.task_name_counter);
  if (!context_) context_ = loop.contexts().copy_context();
}

Task* Task::create(EventLoop& loop, Coro coro, std::optional<std::string> name,
                   ContextRef context) {
  Task* task = loop.adopt(
      std::unique_ptr<Task>(new Task(loop, std::move(coro), std::move(name), std::move(context))));
  task->schedule_step(nullptr);    // self._loop.call_soon(self.__step, context=self._context)
  loop.all_tasks.push_back(task);  // _register_task(self)
  return task;
}

void Task::schedule_step(Exc exc) {
  loop_.call_soon([this, exc = std::move(exc)] { step(exc); }, CallbackInfo{"TaskStepMethWrapper"},
                  context_);
}

void Task::set_result(nlohmann::json) {
  raise("RuntimeError", "Task does not support set_result operation");
}

void Task::set_exception(Exc) {
  raise("RuntimeError", "Task does not support set_exception operation");
}

bool Task::cancel(const std::optional<std::string>& msg) {
  if (done()) return false;
  num_cancels_requested_ += 1;
  if (fut_waiter_ != nullptr) {
    // Leave fut_waiter_: it may be a Task that catches and ignores the cancellation, so we
    // may have to cancel it again later.
    if (fut_waiter_->cancel(msg)) return true;
  }
  // It must be the case that self.__step is already scheduled.
  must_cancel_ = true;
  cancel_message_ = msg;
  return true;
}

int Task::uncancel() {
  if (num_cancels_requested_ > 0) num_cancels_requested_ -= 1;
  return num_cancels_requested_;
}

void Task::step(Exc exc) {
  if (done())
    raise("InvalidStateError", "_step(): already done: " + repr() + ", " + exception_repr(exc));
  if (must_cancel_) {
    if (!is_cancelled_error(exc)) exc = make_cancelled_error();
    must_cancel_ = false;
  }
  fut_waiter_ = nullptr;
  loop_.current_task = this;  // _enter_task(self._loop, self)
  struct Leave {              // finally: _leave_task(self._loop, self)
    EventLoop& loop;
    ~Leave() { loop.current_task = nullptr; }
  } leave{loop_};

  // Call either coro.throw(exc) or coro.send(None).
  StepOutcome outcome = exc ? coro_.throw_in(exc) : coro_.send();

  if (outcome.kind == StepOutcome::returned) {  // except StopIteration as exc
    if (must_cancel_) {
      // Task is cancelled right before coro stops.
      must_cancel_ = false;
      future_cancel(cancel_message_);
    } else {
      future_set_result(std::move(outcome.value));
    }
  } else if (outcome.kind == StepOutcome::raised) {
    Exc error = as_exception(outcome.error);
    if (!error) std::rethrow_exception(outcome.error);  // an internal signal: not Python's
    if (is_cancelled_error(error)) {
      // Save the original exception so we can chain it later: Future.cancel(self).
      cancelled_exc_ = error;
      future_cancel(std::nullopt);
    } else if (is_exit(error)) {
      future_set_exception(error);
      raise(error);
    } else {
      future_set_exception(error);
    }
  } else if (Future* result = outcome.future) {  // a Future, from Future.__await__
    if (result == this) {
      schedule_step(make_exception("RuntimeError", "Task cannot await on itself: " + repr()));
    } else {
      result->add_done_callback(
          DoneCallback{this, [this](Future* f) { wakeup(f); }, "TaskWakeupMethWrapper"}, context_);
      fut_waiter_ = result;
      if (must_cancel_) {
        if (fut_waiter_->cancel(cancel_message_)) must_cancel_ = false;
      }
    }
  } else {
    // Bare yield relinquishes control for one event loop iteration.
    schedule_step(nullptr);
  }
}

void Task::wakeup(Future* future) {
  Exc exc;
  try {
    future->result();
  } catch (const PyError& e) {
    exc = e.exc;  // this may also be a cancellation
  }
  step(exc);
}

std::string Task::repr() const {
  std::string info = repr_info();
  const std::size_t space = info.find(' ');
  std::string state = info.substr(0, space);
  std::string rest = space == std::string::npos ? "" : info.substr(space);
  std::string coro = "coro=<task_body()" + (where ? " at " + *where : std::string()) + ">";
  return "<Task " + state + " name=" + loopcheck::py_str_repr(name_) + " " + coro + rest + ">";
}

Task* current_task(EventLoop& loop) {
  return loop.current_task;
}

std::size_t all_tasks(EventLoop& loop) {
  return static_cast<std::size_t>(std::count_if(loop.all_tasks.begin(), loop.all_tasks.end(),
                                                [](const Task* t) { return !t->done(); }));
}

Coro sleep(EventLoop& loop, double delay) {
  if (delay <= 0) {
    co_await suspend(nullptr);  // await __sleep0(): a bare yield
    co_return nullptr;
  }
  Future* future = loop.create_future();
  TimerRef h = loop.call_later(
      delay,
      [future] {
        if (!future->cancelled()) future->set_result(nullptr);  // _set_result_unless_cancelled
      },
      CallbackInfo{"_set_result_unless_cancelled"});
  nlohmann::json value;
  std::exception_ptr error;
  try {
    // return await future (Future.__await__)
    if (!future->done()) co_await suspend(future);
    if (!future->done()) raise("RuntimeError", "await wasn't used with future");
    value = future->result();
  } catch (...) {
    error = std::current_exception();
  }
  h->cancel();  // finally: h.cancel()
  if (error) std::rethrow_exception(error);
  co_return value;
}

}  // namespace loopcheck::refmodel
