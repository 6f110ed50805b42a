#pragma once
// aio::sleep: asyncio.sleep. `co_await aio::sleep(d)` suspends the task for d seconds on the
// running loop: a future, resolved by a call_later timer unless cancelled meanwhile, whose
// timer is cancelled however the wait ends. `co_await aio::sleep(0)` (or any delay <= 0) is
// a bare yield: the task steps again in the next iteration (ORD-20: k sleeps take k
// iterations). Awaiting it outside a running loop raises RuntimeError("no running event loop").

#include <type_traits>

#include "aio/future.h"

namespace aio {

namespace detail {

// futures._set_result_unless_cancelled, as a named callable (it shows in timer reprs).
struct SetResultUnlessCancelled {
  void operator()(Future<void>& future) const {
    if (!future.cancelled()) future.set_result();
  }
  static const char* name() noexcept { return "_set_result_unless_cancelled"; }
};

class SleepAwaiter : public Awaitable {
 public:
  explicit SleepAwaiter(double delay) noexcept : delay_(delay) {}
  bool await_ready() {
    if (delay_ > 0) {
      EventLoop& loop = get_running_loop();
      future_ = loop.create_future();
      timer_ = loop.call_later(delay_, SetResultUnlessCancelled{}, future_);
    }
    return false;
  }
  void await_suspend(std::coroutine_handle<> where) const noexcept {
    yield_to_task(where, future_ ? future_.core() : nullptr);
  }
  void await_resume() {
    struct CancelTimer {
      TimerHandle& timer;
      ~CancelTimer() { timer.cancel(); }  // sleep's `finally: h.cancel()`
    } cancel{timer_};
    take_throw_in();
    if (future_) future_.result();
  }

 private:
  double delay_;
  Future<void> future_;
  TimerHandle timer_;
};

}  // namespace detail

// (A template, so that sleep(0) is not ambiguous with POSIX ::sleep under `using namespace aio`.)
template <class Seconds>
  requires std::is_arithmetic_v<Seconds>
detail::SleepAwaiter sleep(Seconds delay) noexcept {
  return detail::SleepAwaiter(static_cast<double>(delay));
}

}  // namespace aio
