// One iteration of the loop, read as CPython's _run_once: its phases, in order (ORD-04).
#include <cxxabi.h>

#include <algorithm>
#include <cstdio>

#include "aio/event_loop.h"
#include "aio/logging.h"

namespace aio {

void EventLoop::run_once() {
  ++iterations_;

  // 1. Clean up cancelled timers (CAN-06/07).
  timers_.remove_cancelled();

  // 2. Compute the timeout (ORD-11).
  drain_threadsafe_if_pending();
  double timeout = Selector::kBlock;  // None: block
  if (!ready_.empty() || stopping_.load(std::memory_order_relaxed)) {
    timeout = 0.0;
  } else if (!timers_.empty()) {
    timeout = std::min(std::max(0.0, timers_.top_when() - time()), MAXIMUM_SELECT_TIMEOUT);
  }

  // 3. Select. Handles another thread handed over meanwhile come before this iteration's I/O.
  selector_->select_seconds(timeout, events_);
  drain_threadsafe_if_pending();

  // 4. Queue I/O callbacks (ORD-17/18).
  if (!events_.empty()) process_events();

  // 5. Queue due timers: when < now + resolution (ORD-06), after everything else (ORD-05).
  // (Without timers there is nothing to compare the time with: the clock is not read.)
  // CPython queues a cancelled due timer too, only to skip it (CAN-03); we drop it here, which
  // only len(_ready) could tell.
  if (!timers_.empty()) {
    const double end_time = time() + clock_resolution_;
    while (!timers_.empty() && timers_.top_when() < end_time) {
      detail::HandleState* timer = &timers_.pop()->h;
      if (timer->cancelled.load(std::memory_order_relaxed))
        detail::release(timer);
      else
        ready_.push_back(timer);
    }
  }

  // 6. Run exactly this batch; what it schedules waits for the next iteration (ORD-03).
  run_ready(ready_.size());
}

// Handle._run: everything but aio::BaseException goes to the exception handler (EXC-01).
// Inline in run_ready (the error path is out of line).
[[gnu::always_inline]] inline void EventLoop::run_handle(detail::HandleState* h) {
  h->running = true;
  try {
    h->ops->invoke(h->storage());
  } catch (...) {
    callback_raised(h);
    return;
  }
  h->running = false;
  // A callback that cancelled its own handle is released now that it has returned.
  if (h->cancelled.load(std::memory_order_relaxed) && !h->shared) [[unlikely]]
    detail::drop_callback(h);
}

void EventLoop::run_ready(std::size_t ntodo) {
  // Handles of a large batch are cold in cache, and timers (popped in `when` order) scattered:
  // fetch both cache lines a handle may straddle, this many handles ahead.
  constexpr std::size_t kPrefetchDistance = 16;
  // Callbacks that captured no context run in an empty one, and what they set there does not
  // outlive them (ORD-13); those that captured one enter their own (context.h).
  struct ScratchContext {
    detail::ContextData& scratch;
    detail::ContextData* previous;
    explicit ScratchContext(detail::ContextData& s)
        : scratch(s), previous(detail::swap_current_context(&s)) {}
    ~ScratchContext() {
      scratch.vars.reset();
      detail::swap_current_context(previous);
    }
  } scratch{scratch_context_};
  for (std::size_t i = 0; i < ntodo; ++i) {
    if (i + kPrefetchDistance < ntodo) {
      const auto* ahead = reinterpret_cast<const char*>(ready_.peek(kPrefetchDistance));
      __builtin_prefetch(ahead, 1);
      __builtin_prefetch(ahead + 64, 1);
    }
    detail::HandleState* h = ready_.pop_front();
    struct Release {
      detail::HandleState* h;
      ~Release() { detail::release(h); }
    } release{h};
    if (h->cancelled.load(std::memory_order_relaxed)) continue;  // CAN-03
    if (get_debug()) [[unlikely]]
      run_handle_debug(h);
    else
      run_handle(h);
    if (scratch_context_.vars) [[unlikely]]
      scratch_context_.vars.reset();
  }
}

// The exception being handled came out of h's callback (called from a catch block).
void EventLoop::callback_raised(detail::HandleState* h) {
  try {
    throw;
  } catch (const BaseException&) {
    h->running = false;
    throw;  // RUN-15: leaves run_forever; the rest of the batch stays queued
  } catch (abi::__forced_unwind&) {
    h->running = false;
    throw;  // pthread_exit or cancellation: must go on unwinding
  } catch (...) {
    h->running = false;
    h->add_ref();
    Handle handle = Handle::adopt(h);
    ExceptionContext context;
    context.message = "Exception in callback " + handle.format_callback_source();
    context.exception = std::current_exception();
    context.handle = handle;
    if (h->debug && h->line() != 0) context.source_traceback = Location{h->file(), "", h->line()};
    call_exception_handler(context);
    if (h->cancelled.load(std::memory_order_relaxed) && !h->shared) detail::drop_callback(h);
  }
}

// The debug-mode variant: tracks the current handle and logs slow callbacks (DBG-02).
void EventLoop::run_handle_debug(detail::HandleState* h) {
  struct Current {
    EventLoop* loop;
    ~Current() { loop->current_handle_ = nullptr; }
  } current{this};
  current_handle_ = h;
  const double t0 = time();
  run_handle(h);
  const double dt = time() - t0;
  if (dt >= slow_callback_duration && log_enabled(LogLevel::warning)) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", dt);
    std::string what;
    if (h->ops->format_handle && h->has_callback) {
      h->ops->format_handle(h->storage(), what);  // a task's step: the task (DBG-02)
    } else {
      h->add_ref();
      what = Handle::adopt(h).repr();
    }
    log(LogLevel::warning, "Executing " + what + " took " + seconds + " seconds");
  }
}

}  // namespace aio
