#pragma once
// The model's coroutines: what a Task drives with coro.send(None) and coro.throw(exc).
//
// A task body is a tree of interpreter functions (the body's steps, a `try` inside them, a
// `repeat`, asyncio.sleep...), each a C++20 coroutine of type Coro returning a JSON value.
// `co_await child` runs a child coroutine to its end, as Python's `await coro` does: the
// child's result or exception comes back to the parent. `co_await suspend(future)` (the
// `yield self` inside Future.__await__) and `co_await suspend(nullptr)` (a bare `yield`,
// asyncio.sleep(0)) suspend the whole chain and hand the future to the driver.
//
// Coroutine is that driver, the coroutine object Task.__step talks to:
//   send()          coro.send(None): resumes the innermost suspended coroutine;
//   throw_in(exc)   coro.throw(exc): resumes it with `exc` raised at its suspension point;
// each returns what the coroutine did: yielded (the future to wait on, or none), returned
// (a value), or raised (an exception; PyError or an internal signal).
// Must not: know about tasks or the loop.

#include <coroutine>
#include <exception>
#include <nlohmann/json.hpp>
#include <utility>

#include "errors.h"

namespace loopcheck::refmodel {

class Future;

class Coro {
 public:
  struct promise_type;
  using Frame = std::coroutine_handle<promise_type>;

  // What the whole chain of nested coroutines shares with its driver.
  struct Chain {
    std::coroutine_handle<> leaf;  // the innermost suspended coroutine
    Future* yielded = nullptr;     // what it yielded (null: a bare yield)
    Exc throw_in;                  // coro.throw(exc): raised where the leaf is suspended
  };

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    // Back to the coroutine that awaited this one; the chain's root returns to the driver.
    std::coroutine_handle<> await_suspend(Frame frame) noexcept {
      std::coroutine_handle<> parent = frame.promise().parent;
      return parent ? parent : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };

  struct promise_type {
    Chain* chain = nullptr;
    std::coroutine_handle<> parent;  // the coroutine awaiting this one; none for the root
    nlohmann::json value;
    std::exception_ptr error;

    Coro get_return_object() { return Coro(Frame::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    FinalAwaiter final_suspend() noexcept { return {}; }
    void return_value(nlohmann::json v) { value = std::move(v); }
    void unhandled_exception() { error = std::current_exception(); }
  };

  // `co_await child`: starts the child at once and resumes the parent with its result.
  struct ChildAwaiter {
    Frame child;
    bool await_ready() noexcept { return false; }
    std::coroutine_handle<> await_suspend(Frame parent) noexcept {
      child.promise().parent = parent;
      child.promise().chain = parent.promise().chain;
      return child;
    }
    nlohmann::json await_resume() {
      if (child.promise().error) std::rethrow_exception(child.promise().error);
      return std::move(child.promise().value);
    }
  };

  // `yield future` / bare `yield`: suspends the chain; resumed by send() or throw_in().
  struct SuspendAwaiter {
    Future* future;
    Chain* chain = nullptr;
    bool await_ready() noexcept { return false; }
    void await_suspend(Frame frame) noexcept {
      chain = frame.promise().chain;
      chain->leaf = frame;
      chain->yielded = future;
    }
    void await_resume() {
      if (chain->throw_in) raise(std::exchange(chain->throw_in, nullptr));
    }
  };

  Coro() = default;
  explicit Coro(Frame frame) : frame_(frame) {}
  Coro(Coro&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  Coro& operator=(Coro&& other) noexcept {
    if (this != &other) {
      destroy();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  ~Coro() { destroy(); }

  ChildAwaiter operator co_await() && noexcept { return ChildAwaiter{frame_}; }
  Frame frame() const { return frame_; }
  explicit operator bool() const { return static_cast<bool>(frame_); }

 private:
  void destroy() {
    if (frame_) frame_.destroy();
    frame_ = {};
  }
  Frame frame_;
};

// The suspension points of a coroutine body.
inline Coro::SuspendAwaiter suspend(Future* future) {
  return Coro::SuspendAwaiter{future};
}

// What coro.send(None) / coro.throw(exc) did.
struct StepOutcome {
  enum Kind { yielded, returned, raised } kind;
  Future* future = nullptr;  // yielded: what to wait on (null: a bare yield)
  nlohmann::json value;      // returned
  std::exception_ptr error;  // raised
};

class Coroutine {
 public:
  Coroutine() = default;
  explicit Coroutine(Coro root) : root_(std::move(root)) {}

  StepOutcome send() { return resume(nullptr); }
  StepOutcome throw_in(Exc exc) {
    // coro.throw(exc) on a coroutine that never ran raises exc at its first line: no step
    // of the body runs.
    if (!started_) {
      started_ = true;
      root_ = Coro();
      return StepOutcome{StepOutcome::raised, nullptr, nullptr,
                         std::make_exception_ptr(PyError{std::move(exc)})};
    }
    return resume(std::move(exc));
  }

 private:
  StepOutcome resume(Exc exc) {
    chain_.throw_in = std::move(exc);
    chain_.yielded = nullptr;
    std::coroutine_handle<> next = chain_.leaf;
    if (!started_) {
      started_ = true;
      root_.frame().promise().chain = &chain_;
      next = root_.frame();
    }
    next.resume();
    Coro::promise_type& root = root_.frame().promise();
    if (!root_.frame().done())
      return StepOutcome{StepOutcome::yielded, chain_.yielded, nullptr, nullptr};
    StepOutcome out{root.error ? StepOutcome::raised : StepOutcome::returned, nullptr,
                    std::move(root.value), root.error};
    root_ = Coro();  // a finished coroutine's frame is gone
    return out;
  }

  Coro root_;
  Coro::Chain chain_;
  bool started_ = false;
};

}  // namespace loopcheck::refmodel
