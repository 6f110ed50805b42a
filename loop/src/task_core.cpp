// TaskCore: a task's life outside its steps (tasks.py: Task.__init__, cancel, uncancel, names,
// repr, __del__), and asyncio.current_task / all_tasks.
#include <atomic>

#include "aio/event_loop.h"
#include "aio/exception_context.h"
#include "aio/task.h"
#include "future_calls.h"

namespace aio::detail {

namespace {
std::atomic<std::uint64_t> task_name_counter{0};
}  // namespace

TaskCore::TaskCore(EventLoop* owner, const std::type_info& type, std::coroutine_handle<> top,
                   PromiseBase& promise, const std::optional<Context>& context)
    : FutureCore(owner, type, true),
      resume_point(top),
      top_(top),
      promise_(&promise),
      coro_where_(promise.where),
      number_(task_name_counter.fetch_add(1, std::memory_order_relaxed) + 1),
      explicit_context_(context),
      own_context_{explicit_context_ ? VarsPtr{} : current_context().vars} {
  step_handle_.h.refs = 0;  // not queued
  step_handle_.h.kind = HandleKind::task_step;
  step_handle_.h.large = true;
  step_handle_.task = this;
}

TaskCore::~TaskCore() {
  drop_frame();
  if (fut_waiter_) std::exchange(fut_waiter_, nullptr)->release();
  if (registered_ && loop) loop->unregister_task(this);
}

void TaskCore::start() {
  schedule_step(nullptr);  // ORD-14
  loop->register_task(this);
  registered_ = true;
}

bool TaskCore::cancel(std::optional<std::string> msg) {
  log_traceback = false;  // EXC-09
  if (done()) return false;
  ++num_cancels_requested_;
  // 3.11 returns True for every request while pending (CAN-11).
  if (fut_waiter_ && fut_waiter_->cancel(msg)) return true;
  must_cancel_ = true;
  set_cancel_message(std::move(msg));  // CAN-13: the last message wins
  return true;
}

std::uint32_t TaskCore::uncancel() noexcept {
  if (num_cancels_requested_ > 0) --num_cancels_requested_;
  return num_cancels_requested_;
}

std::string TaskCore::name() const {
  return name_ ? *name_ : "Task-" + std::to_string(number_);
}

void TaskCore::set_name(std::string name) { name_ = std::make_unique<std::string>(std::move(name)); }

std::string TaskCore::coro_repr() const {
  std::string out = coro_where_.function && *coro_where_.function ? coro_where_.function : "coroutine";
  out += coro_finished_ ? "() done, defined at " : "() running at ";
  out += coro_where_.file;
  out += ":" + std::to_string(coro_where_.line);
  return out;
}

// base_tasks._task_repr_info: the future's info with 'cancelling', name, coro and wait_for.
std::string TaskCore::repr() const {
  std::string info = repr_info();
  const std::size_t state_end = info.find(' ');
  std::string state = info.substr(0, state_end);
  std::string rest = state_end == std::string::npos ? "" : info.substr(state_end);
  if (num_cancels_requested_ > 0 && !done()) state = "cancelling";  // CAN-22
  std::string out = "<Task " + state + " name=" + repr_string(name()) + " coro=<" + coro_repr() + ">";
  if (fut_waiter_) out += " wait_for=" + fut_waiter_->repr();
  return out + rest + ">";
}

void TaskCore::drop_frame() noexcept {
  if (yielded) std::exchange(yielded, nullptr)->release();
  resume_point = {};
  if (auto frame = std::exchange(top_, {})) {
    promise_ = nullptr;
    frame.destroy();
  }
}

void TaskCore::forget_waiter() noexcept {
  if (fut_waiter_) std::exchange(fut_waiter_, nullptr)->release();
}

void TaskCore::detach_from_loop() noexcept { loop = nullptr; }

void TaskCore::last_release() noexcept {
  try {
    if (status == FutureStatus::pending && log_destroy_pending) {
      ExceptionContext context;  // EXC-10, CLS-12
      context.task = std::make_shared<ReprObject>(repr());
      context.message = "Task was destroyed but it is pending!";
      if (debug && source_line != 0) context.source_traceback = source();
      report(context);
    }
    ExceptionContext unretrieved;  // then Future.__del__
    if (unretrieved_report(unretrieved)) report(unretrieved);
  } catch (...) {
  }
  delete this;
}

}  // namespace aio::detail

namespace aio {

TaskBase current_task(EventLoop* loop) {
  EventLoop& l = loop ? *loop : get_running_loop();
  detail::TaskCore* task = l.current_task();
  if (!task) return TaskBase{};
  task->add_ref();
  return TaskBase::adopt(task);
}

std::vector<TaskBase> all_tasks(EventLoop* loop) {
  EventLoop& l = loop ? *loop : get_running_loop();
  std::vector<TaskBase> out;
  for (detail::TaskCore* t = l.first_task(); t != nullptr; t = t->next_task) {
    if (t->done()) continue;
    t->add_ref();
    out.push_back(TaskBase::adopt(t));
  }
  return out;
}

}  // namespace aio
