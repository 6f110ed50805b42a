#pragma once
// aio::wait_for: asyncio.wait_for (3.11). Waits for the future (or a coroutine, wrapped in a
// task) for at most `timeout` seconds; on timeout cancels it, waits for the cancellation to
// finish, and raises TimeoutError. A null timeout waits forever. If the waiting task itself is
// cancelled, the future is cancelled too.
//
//   int v = co_await aio::wait_for(fetch(), 0.5);

#include <exception>
#include <optional>

#include "aio/coro.h"
#include "aio/future.h"
#include "aio/task.h"

namespace aio {

namespace detail {

// functools.partial(_release_waiter, waiter): comparable, so that it can be removed again.
struct ReleaseWaiter {
  Future<void> waiter;
  void operator()() const {
    if (!waiter.done()) waiter.set_result();
  }
  friend bool operator==(const ReleaseWaiter& a, const ReleaseWaiter& b) noexcept {
    return a.waiter == b.waiter;
  }
  static const char* name() noexcept { return "_release_waiter"; }
};

// tasks._cancel_and_wait: cancels `future` and waits until it is done.
Coro<void> cancel_and_wait(FutureBase future);

}  // namespace detail

template <class T>
Coro<T> wait_for(Future<T> future, std::optional<double> timeout) {
  EventLoop& loop = get_running_loop();
  if (!timeout) co_return co_await future;
  if (*timeout <= 0) {
    if (!future.done()) co_await detail::cancel_and_wait(future);
  } else {
    Future<void> waiter = loop.create_future();
    TimerHandle timeout_handle = loop.call_later(*timeout, detail::ReleaseWaiter{waiter});
    struct CancelTimer {
      TimerHandle& handle;
      ~CancelTimer() { handle.cancel(); }
    } cancel_timer{timeout_handle};
    const detail::ReleaseWaiter release{waiter};
    future.add_done_callback(release);
    std::exception_ptr cancelled;
    try {
      co_await waiter;
    } catch (const CancelledError&) {
      cancelled = std::current_exception();
    }
    if (future.done()) co_return future.result();
    future.remove_done_callback(release);
    co_await detail::cancel_and_wait(future);
    if (cancelled) std::rethrow_exception(cancelled);
  }
  try {
    co_return future.result();
  } catch (const CancelledError&) {
    // Our own cancellation: the time ran out.
  }
  throw TimeoutError();
}

template <class T>
Coro<T> wait_for(Task<T> task, std::optional<double> timeout) {
  co_return co_await wait_for(Future<T>(task), timeout);
}

template <class T>
Coro<T> wait_for(Coro<T> coro, std::optional<double> timeout) {
  co_return co_await wait_for(Future<T>(get_running_loop().create_task(std::move(coro))), timeout);
}

}  // namespace aio
