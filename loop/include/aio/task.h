#pragma once
// aio::Task<T>: asyncio's Task ("Coroutines and Tasks"): a future that runs a coroutine on the
// loop. loop.create_task(coro) schedules its first step with call_soon (ORD-14); each step runs
// the coroutine until it awaits something not done, and the task wakes when that is done.
//
//   aio::Coro<int> child() { co_await aio::sleep(0.5); co_return 7; }
//   aio::Coro<void> main_coro() {
//     aio::Task<int> t = aio::create_task(child(), "child");
//     int seven = co_await t;
//   }
//
// Cancellation as in Python: task.cancel(msg) throws aio::CancelledError(msg) into the
// coroutine at its next suspension point; a coroutine may catch it (then cancelling() stays
// up until uncancel()), or let it propagate (the task ends cancelled) (CAN-11..24).
// Reference semantics: copies refer to the same task. The loop holds what a running task needs;
// a task nobody refers to that is still pending when its loop closes is reported as
// "Task was destroyed but it is pending!" (EXC-10, CLS-12).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

#include "aio/context.h"
#include "aio/coro.h"
#include "aio/detail/task_core.h"
#include "aio/future.h"

namespace aio {

// A task of any result type: the Task API that does not need the type.
class TaskBase : public FutureBase {
 public:
  TaskBase() = default;

  // Task-<n> unless named (FUT-07).
  std::string get_name() const { return task()->name(); }
  void set_name(std::string name) const { task()->set_name(std::move(name)); }
  // The number of cancel() requests not yet matched by uncancel() (CAN-11, CAN-19).
  std::uint32_t cancelling() const noexcept { return task()->cancelling(); }
  std::uint32_t uncancel() const noexcept { return task()->uncancel(); }
  // The type the task's coroutine returns.
  const std::type_info& result_type() const noexcept { return *core_->result_type; }

  static TaskBase adopt(detail::TaskCore* core) noexcept {
    TaskBase t;
    t.core_ = core;
    return t;
  }
  detail::TaskCore* task() const noexcept { return static_cast<detail::TaskCore*>(core_); }
  detail::TaskCore* release() noexcept { return static_cast<detail::TaskCore*>(std::exchange(core_, nullptr)); }
};

template <class T = void>
class Task : public TaskBase {
 public:
  using value_type = T;
  Task() = default;

  decltype(auto) result() const {
    core_->check_result();
    if constexpr (!std::is_void_v<T>) return static_cast<const T&>(*detail::slot_of<T>(core_).value);
  }
  // Seen as a Future<T> (a Task is a Future): the same object.
  operator Future<T>() const noexcept {
    core_->add_ref();
    return Future<T>::adopt(core_);
  }
  template <class F>
  void add_done_callback(F&& fn) const {
    core_->add_callback({detail::make_box<Task>(std::forward<F>(fn), std::nullopt), nullptr});
  }
  template <class F>
  void add_done_callback(Context context, F&& fn) const {
    core_->add_callback({detail::make_box<Task>(std::forward<F>(fn), std::move(context)), nullptr});
  }
  auto operator co_await() const noexcept {
    if constexpr (std::is_void_v<T>)
      return detail::FutureAwaiter<void, detail::GetNothing>{*this};
    else
      return detail::FutureAwaiter<T, detail::GetCopy<T>>{*this};
  }

  static Task adopt(detail::FutureCore* core) noexcept {
    Task t;
    t.core_ = core;
    return t;
  }
};

// A coroutine of any result type, as a task factory receives it.
class AnyCoro {
 public:
  template <class T>
  AnyCoro(Coro<T>&& coro) : frame_(coro.release()), ops_(&ops_for<T>) {}  // NOLINT: implicit
  AnyCoro(AnyCoro&& other) noexcept
      : frame_(std::exchange(other.frame_, {})), ops_(other.ops_) {}
  AnyCoro& operator=(AnyCoro&&) = delete;
  ~AnyCoro() {
    if (frame_) frame_.destroy();
  }

  const std::type_info& result_type() const noexcept { return *ops_->type; }
  explicit operator bool() const noexcept { return static_cast<bool>(frame_); }
  // The standard Task for this coroutine: what create_task makes without a factory.
  TaskBase make_task(EventLoop& loop, std::optional<Context> context, Location where = {}) && {
    return ops_->make(loop, std::exchange(frame_, {}), std::move(context), where);
  }

 private:
  struct Ops {
    TaskBase (*make)(EventLoop&, std::coroutine_handle<>, std::optional<Context>, Location);
    const std::type_info* type;
  };
  template <class T>
  static TaskBase make(EventLoop& loop, std::coroutine_handle<> frame,
                       std::optional<Context> context, Location where);
  template <class T>
  static constexpr Ops ops_for{&make<T>, &typeid(T)};

  std::coroutine_handle<> frame_;
  const Ops* ops_;
};

namespace detail {
// Builds, starts and returns a task for `frame` (Task(coro, loop=loop, context=context)).
template <class T>
Task<T> make_task(EventLoop& loop, std::coroutine_handle<Promise<T>> frame,
                  const std::optional<Context>& context, Location where) {
  if (!frame) throw TypeError("a coroutine was expected, got None");  // FUT-09
  auto* core = new TaskState<T>(&loop, frame, context);
  Task<T> task = Task<T>::adopt(core);
  if (loop.get_debug() && where.known()) {
    core->debug = true;
    core->set_source(where);
  }
  core->start();  // if call_soon raises, `task` is destroyed pending: EXC-10 reports it
  return task;
}
}  // namespace detail

template <class T>
TaskBase AnyCoro::make(EventLoop& loop, std::coroutine_handle<> frame,
                       std::optional<Context> context, Location where) {
  auto typed = std::coroutine_handle<detail::Promise<T>>::from_address(frame.address());
  Task<T> task = detail::make_task<T>(loop, typed, context, where);
  return TaskBase::adopt(static_cast<detail::TaskCore*>(std::move(task).release()));
}

// gcc 12 reports moving a disengaged std::optional<Context> as a maybe-uninitialized read (a
// known false positive of its optional/shared_ptr inlining).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
template <class T>
Task<T> EventLoop::create_task(Coro<T> coro, std::optional<std::string> name,
                               std::optional<Context> context, Location where) {
  check_closed();  // before the factory (FUT-08)
  if (!task_factory_) {
    Task<T> task = detail::make_task<T>(*this, coro.release(), context, where);
    if (name) task.set_name(std::move(*name));
    return task;
  }
  TaskBase made = task_factory_(*this, AnyCoro(std::move(coro)), std::move(context));
  if (!made || made.result_type() != typeid(T))
    throw TypeError("the task factory must return a task of the coroutine's result type");
  if (name) made.set_name(std::move(*name));
  return Task<T>::adopt(made.release());
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// The task running on `loop` now (asyncio.current_task), or an empty TaskBase. Without a loop:
// the running loop; RuntimeError("no running event loop") if none (FUT-10).
TaskBase current_task(EventLoop* loop = nullptr);
// The tasks of `loop` (default: the running loop) that are not done, oldest first (FUT-10).
std::vector<TaskBase> all_tasks(EventLoop* loop = nullptr);

// asyncio.create_task: a task on the running loop.
template <class T>
Task<T> create_task(Coro<T> coro, std::optional<std::string> name = std::nullopt,
                    std::optional<Context> context = std::nullopt,
                    Location where = Location::current()) {
  return get_running_loop().create_task(std::move(coro), std::move(name), std::move(context), where);
}

}  // namespace aio
