#pragma once
// EventLoop::run_in_executor (base_events.py, with futures.wrap_future's chaining): the work
// runs on an executor; its result comes back to the loop's thread through the thread-safe
// inbox, as call_soon_threadsafe; it is dropped quietly if the loop closed meanwhile (THR-04).
// Included by event_loop.h.

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "aio/event_loop.h"
#include "aio/executor.h"
#include "aio/future.h"

namespace aio {

namespace detail {

// One call handed to an executor: shared by the worker, the loop and the future's
// cancellation hook. The future it completes is `shared` (its count is atomic), because the
// worker may drop the last reference when the loop is gone.
template <class R>
struct ExecutorCall {
  enum State : int { pending, running, cancelled };
  std::function<R()> fn;
  std::atomic<int> state{pending};
  std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> value;
  std::exception_ptr error;
  Future<R> future;

  // concurrent.futures.Future.cancel: only before the work started.
  void cancel() noexcept {
    int expected = pending;
    state.compare_exchange_strong(expected, cancelled, std::memory_order_acq_rel);
  }

  // On the worker.
  static void run(const std::shared_ptr<ExecutorCall>& call,
                  const std::shared_ptr<ThreadsafeInbox>& inbox) {
    int expected = pending;
    if (!call->state.compare_exchange_strong(expected, running, std::memory_order_acq_rel)) return;
    try {
      if constexpr (std::is_void_v<R>) {
        call->fn();
        call->value.emplace(true);
      } else {
        call->value.emplace(call->fn());
      }
    } catch (...) {
      call->error = std::current_exception();
    }
    call->fn = nullptr;  // the callable's captures go now, not with the last reference
    HandleState* h = make_handle(HandleKind::handle, true, false, Location{}, Deliver{call});
    if (!inbox->post(h)) release(h);  // the loop is closed: dropped quietly
  }

  // On the loop (futures._set_state): hands the outcome over unless the future was cancelled.
  // The outcome leaves the call here, on the loop's thread, even when it is not used: the
  // worker may hold the call's last reference, and an exception or result released there
  // would be freed on the worker while the loop's copies (an exception object's shared text,
  // whose count lives in uninstrumented libstdc++) are still read.
  struct Deliver {
    std::shared_ptr<ExecutorCall> call;
    void operator()() const {
      Future<R> f = std::move(call->future);
      std::exception_ptr failure = std::exchange(call->error, nullptr);
      auto outcome = std::exchange(call->value, std::nullopt);
      if (f.cancelled()) return;
      if (failure) {
        f.set_exception(std::move(failure));
      } else if constexpr (std::is_void_v<R>) {
        f.set_result();
      } else {
        f.set_result(std::move(*outcome));
      }
    }
    static const char* name() noexcept { return "_chain_future._call_set_state"; }
  };
};

}  // namespace detail

template <class F, class... Args>
auto EventLoop::run_in_executor(std::shared_ptr<Executor> executor, F&& fn, Args&&... args) {
  using R = std::invoke_result_t<std::decay_t<F>&, std::decay_t<Args>&...>;
  check_closed();
  Executor& target = executor ? *executor : default_executor();
  auto call = std::make_shared<detail::ExecutorCall<R>>();
  call->fn = [f = std::forward<F>(fn), tuple = std::make_tuple(std::forward<Args>(args)...)]() mutable -> R {
    return std::apply(f, tuple);
  };
  Future<R> future = create_future<R>();
  future.core()->shared = true;  // before any copy: the worker may release it
  call->future = future;
  std::weak_ptr<detail::ExecutorCall<R>> weak = call;
  future.add_done_callback([weak](FutureBase& done) {
    if (!done.cancelled()) return;
    if (auto c = weak.lock()) c->cancel();
  });
  target.submit([call, inbox = inbox_] { detail::ExecutorCall<R>::run(call, inbox); });
  return future;
}

}  // namespace aio
