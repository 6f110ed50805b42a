#pragma once
// aio::Coro<T>: a C++20 coroutine with the semantics of a Python coroutine object. Calling a
// coroutine function makes a Coro and runs nothing; the body runs when a task steps it
// (loop.create_task(coro)) or when another coroutine awaits it (`co_await child()`, which runs
// inline in the same task, as `await child()` does: no new task, no extra loop iteration).
//
//   aio::Coro<int> answer() { co_await aio::sleep(0.1); co_return 42; }
//
// Inside a Coro, co_await takes aio futures, tasks, coroutines and aio::sleep. Awaiting
// anything else does not compile: asyncio's "Task got bad yield" becomes a compile error.
//
// Mechanics (internal): a task resumes the frame that last suspended; nested coroutines chain
// by symmetric transfer, so deep awaits use no stack. An exception the task throws into the
// coroutine (cancellation, FUT-06's errors) is left in a thread-local slot and raised by the
// await that resumes first: the suspended one, or the initial suspension of a coroutine that
// never started (CAN-12: its body then never runs).

#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "aio/detail/pool_alloc.h"
#include "aio/errors.h"
#include "aio/location.h"

namespace aio {

template <class T = void>
class Coro;

namespace detail {

class TaskCore;
class FutureCore;

// The task being stepped on this thread, and the exception its step throws in.
inline thread_local TaskCore* tls_current_task = nullptr;
inline thread_local std::exception_ptr tls_throw_in = nullptr;

// Raises the exception the task step throws into the coroutine, if any.
inline void take_throw_in() {
  if (tls_throw_in) [[unlikely]]
    std::rethrow_exception(std::exchange(tls_throw_in, nullptr));
}

// Told by an await that suspends: the task resumes `where` once `future` is done (or, for a
// bare yield, in the next iteration). Defined in task_core.h.
void yield_to_task(std::coroutine_handle<> where, FutureCore* future) noexcept;

// Marks the awaitables aio coroutines accept.
struct Awaitable {};

struct PromiseBase {
  std::coroutine_handle<> continuation;  // the awaiting coroutine; null for a task's top frame
  std::exception_ptr error;
  Location where;        // the coroutine function, for Task reprs
  bool awaited = false;  // a coroutine object runs once

  explicit PromiseBase(Location w) noexcept : where(w) {}

  // Frames come from the loop's size-class pools.
  static void* operator new(std::size_t size) { return pool_allocate(size); }
  static void operator delete(void* p, std::size_t size) noexcept { pool_deallocate(p, size); }

  struct InitialAwaiter {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    void await_resume() const { take_throw_in(); }
  };
  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) const noexcept {
      std::coroutine_handle<> next = h.promise().continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };
  InitialAwaiter initial_suspend() const noexcept { return {}; }
  FinalAwaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }

  template <class A>
  A&& await_transform(A&& awaitable) const noexcept {
    static_assert(std::is_base_of_v<Awaitable, std::remove_cvref_t<A>>,
                  "aio coroutines co_await only aio futures, tasks, coroutines and aio::sleep "
                  "(asyncio: 'Task got bad yield')");
    return std::forward<A>(awaitable);
  }
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  explicit Promise(Location w = Location::current()) noexcept : PromiseBase(w) {}
  Coro<T> get_return_object() noexcept;
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T take() { return std::move(*value); }
};

template <>
struct Promise<void> : PromiseBase {
  explicit Promise(Location w = Location::current()) noexcept : PromiseBase(w) {}
  Coro<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() noexcept {}
};

}  // namespace detail

template <class T>
class [[nodiscard]] Coro : public detail::Awaitable {
 public:
  using promise_type = detail::Promise<T>;
  using value_type = T;

  Coro() = default;  // refers to no coroutine
  Coro(Coro&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  Coro& operator=(Coro&& other) noexcept {
    if (this != &other) {
      reset();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  ~Coro() { reset(); }

  explicit operator bool() const noexcept { return static_cast<bool>(frame_); }
  // The coroutine function's name and line (for reprs).
  Location where() const noexcept { return frame_ ? frame_.promise().where : Location{}; }

  // Awaited by another coroutine: runs inline, in the awaiting task, and gives its result or
  // raises its exception.
  auto operator co_await() && noexcept { return Awaiter{frame_}; }
  auto operator co_await() & noexcept { return Awaiter{frame_}; }

  // Hands the frame over (to a task). Internal.
  std::coroutine_handle<promise_type> release() noexcept { return std::exchange(frame_, {}); }

 private:
  friend struct detail::Promise<T>;
  explicit Coro(std::coroutine_handle<promise_type> frame) noexcept : frame_(frame) {}
  void reset() noexcept {
    if (frame_) frame_.destroy();
    frame_ = {};
  }

  struct Awaiter {
    std::coroutine_handle<promise_type> child;
    bool reused = false;
    bool await_ready() noexcept {
      reused = !child || child.promise().awaited;
      return reused;
    }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> parent) const noexcept {
      child.promise().awaited = true;
      child.promise().continuation = parent;
      return child;
    }
    T await_resume() const {
      if (reused) throw RuntimeError("cannot reuse already awaited coroutine");
      if (child.promise().error) std::rethrow_exception(child.promise().error);
      return child.promise().take();
    }
  };

  std::coroutine_handle<promise_type> frame_;
};

namespace detail {
template <class T>
Coro<T> Promise<T>::get_return_object() noexcept {
  return Coro<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Coro<void> Promise<void>::get_return_object() noexcept {
  return Coro<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace aio
