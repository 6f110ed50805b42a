#pragma once
// aio::Future<T>: asyncio's Future ("Futures" in the docs): a result that will be set later,
// bound to one loop. Copies refer to the same future, as Python references do.
//
//   aio::Future<int> f = loop.create_future<int>();
//   f.add_done_callback([](aio::Future<int>& done) { std::printf("%d\n", done.result()); });
//   f.set_result(42);   // the callback runs from the loop, never inline (ORD-15)
//
// From a coroutine: `int v = co_await f;` suspends the task until f is done (or does not
// suspend when it already is), then gives the result or raises the exception.
//
// A Future is a handle, like std::shared_ptr: its methods are const, since they change the
// future it refers to, not the handle.
//
// Threading: use a future on its loop's thread only. Other threads reach it through
// loop.call_soon_threadsafe (or run_in_executor, which does that for you).

#include <concepts>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "aio/context.h"
#include "aio/coro.h"
#include "aio/detail/future_state.h"
#include "aio/errors.h"
#include "aio/event_loop.h"

namespace aio {

// A future of any result type: the part of the Future API that does not need the type.
class FutureBase : public detail::Awaitable {
 public:
  FutureBase() = default;  // refers to no future
  FutureBase(const FutureBase& other) noexcept : core_(other.core_) {
    if (core_) core_->add_ref();
  }
  FutureBase(FutureBase&& other) noexcept : core_(std::exchange(other.core_, nullptr)) {}
  FutureBase& operator=(FutureBase other) noexcept {
    std::swap(core_, other.core_);
    return *this;
  }
  ~FutureBase() {
    if (core_) core_->release();
  }

  bool done() const noexcept { return core_->done(); }
  bool cancelled() const noexcept { return core_->cancelled(); }
  // Cancels a pending future and schedules its callbacks (True); False if already done. A
  // task forwards it to what it awaits (CAN-09, CAN-11).
  bool cancel(std::optional<std::string> msg = std::nullopt) const { return core_->cancel(std::move(msg)); }
  // The exception the future was finished with (null if none). Raises CancelledError if it
  // was cancelled, InvalidStateError("Exception is not set.") while pending.
  std::exception_ptr exception() const { return core_->exception(); }
  // Rethrows what result() would, without the value (for futures seen through FutureBase).
  void check_result() const { core_->check_result(); }

  // Calls fn(future) (or fn()) from the loop with call_soon once the future is done; at once
  // (still through call_soon) if it is done already (ORD-16). Runs in a copy of the current
  // context, or in `context` (FUT-05).
  template <class F>
  void add_done_callback(F&& fn) const {
    core_->add_callback({detail::make_box<FutureBase>(std::forward<F>(fn), std::nullopt), nullptr});
  }
  template <class F>
  void add_done_callback(Context context, F&& fn) const {
    core_->add_callback(
        {detail::make_box<FutureBase>(std::forward<F>(fn), std::move(context)), nullptr});
  }
  // Removes every pending callback equal to fn (same type and ==; callables without == match
  // by type alone) and returns how many; 0 once done (FUT-04).
  template <class F>
  std::size_t remove_done_callback(const F& fn) const {
    return core_->remove_callbacks(typeid(F), &fn);
  }

  EventLoop& get_loop() const noexcept { return *core_->loop; }
  bool is_task() const noexcept { return core_->is_task; }
  std::string repr() const { return core_ ? core_->repr() : "None"; }

  explicit operator bool() const noexcept { return core_ != nullptr; }
  friend bool operator==(const FutureBase& a, const FutureBase& b) noexcept {
    return a.core_ == b.core_;
  }

  // Internal.
  detail::FutureCore* core() const noexcept { return core_; }
  static FutureBase adopt(detail::FutureCore* core) noexcept {
    FutureBase f;
    f.core_ = core;
    return f;
  }

  struct Awaiter;
  Awaiter operator co_await() const noexcept;

 protected:
  detail::FutureCore* core_ = nullptr;
};

namespace detail {

// What `co_await future` does (Future.__await__): no suspension if done; otherwise the task
// waits for it; then the result, or the exception raised.
template <class Value, class Getter>
struct FutureAwaiter {
  FutureBase future;
  bool await_ready() const noexcept { return future.done(); }
  void await_suspend(std::coroutine_handle<> where) const noexcept {
    yield_to_task(where, future.core());
  }
  Value await_resume() const {
    take_throw_in();
    if (!future.done()) throw RuntimeError("await wasn't used with future");
    return Getter{}(future.core());
  }
};

struct GetNothing {
  void operator()(FutureCore* core) const { core->check_result(); }
};
template <class T>
struct GetCopy {
  T operator()(FutureCore* core) const {
    core->check_result();
    return *slot_of<T>(core).value;
  }
};

}  // namespace detail

struct FutureBase::Awaiter : detail::FutureAwaiter<void, detail::GetNothing> {};
inline FutureBase::Awaiter FutureBase::operator co_await() const noexcept { return Awaiter{{*this}}; }

template <class T = void>
class Future : public FutureBase {
 public:
  using value_type = T;
  Future() = default;

  // The result; raises the future's exception, CancelledError if it was cancelled, or
  // InvalidStateError("Result is not set.") while pending (FUT-01, CAN-10).
  decltype(auto) result() const {
    core_->check_result();
    if constexpr (!std::is_void_v<T>) return static_cast<const T&>(*slot().value);
  }
  // Marks the future done with a result and schedules its callbacks. InvalidStateError
  // ("invalid state") if it is done; RuntimeError for a task (FUT-02, CAN-23).
  template <class U = T>
    requires(!std::is_void_v<T> && std::constructible_from<T, U &&>)
  void set_result(U&& value) const {
    core_->check_settable("set_result");
    slot().value.emplace(std::forward<U>(value));
    core_->finish_with_result();
  }
  void set_result() const
    requires std::is_void_v<T>
  {
    core_->check_settable("set_result");
    core_->finish_with_result();
  }
  // Marks the future done with an exception. TypeError("invalid exception object") for a null
  // pointer (FUT-03).
  void set_exception(std::exception_ptr error) const {
    if (core_->is_task) core_->check_settable("set_exception");
    core_->set_exception(std::move(error));
  }
  template <class E>
    requires std::derived_from<std::decay_t<E>, std::exception>
  void set_exception(E&& error) const {
    set_exception(std::make_exception_ptr(std::forward<E>(error)));
  }

  // As FutureBase::add_done_callback, with the callback taking Future<T>&.
  template <class F>
  void add_done_callback(F&& fn) const {
    core_->add_callback({detail::make_box<Future>(std::forward<F>(fn), std::nullopt), nullptr});
  }
  template <class F>
  void add_done_callback(Context context, F&& fn) const {
    core_->add_callback({detail::make_box<Future>(std::forward<F>(fn), std::move(context)), nullptr});
  }

  auto operator co_await() const noexcept {
    if constexpr (std::is_void_v<T>)
      return detail::FutureAwaiter<void, detail::GetNothing>{*this};
    else
      return detail::FutureAwaiter<T, detail::GetCopy<T>>{*this};
  }

  // Internal.
  static Future adopt(detail::FutureCore* core) noexcept {
    Future f;
    f.core_ = core;
    return f;
  }

 private:
  detail::ResultSlot<T>& slot() const noexcept { return detail::slot_of<T>(core_); }
};

template <class T>
Future<T> EventLoop::create_future(Location where) {
  auto* core = new detail::FutureState<T>(this);
  if (get_debug()) {
    core->debug = true;
    core->set_source(where);
  }
  return Future<T>::adopt(core);
}

}  // namespace aio
