// Handle and TimerHandle: allocation, cancellation, repr (events.py: Handle, TimerHandle).
#include "aio/handle.h"

#include <cstddef>

#include "aio/detail/future_core.h"
#include "aio/event_loop.h"
#include "aio/exception_context.h"

namespace aio {

namespace detail {

void set_handle_accounting(bool enabled) noexcept { handle_accounting = enabled; }
long live_handle_count() noexcept { return live_handles.load(std::memory_order_relaxed); }

void destroy_handle(HandleState* s) noexcept {
  if (s->kind == HandleKind::task_step) {
    // Not allocated: it lives in its task, which it lets go of now (and which may go with it).
    FutureCore* task = as_task_step(s)->task;
    drop_callback(s);
    delete kept_repr(s);
    s->has_repr = false;
    task->release();
    return;
  }
  if (handle_accounting) live_handles.fetch_sub(1, std::memory_order_relaxed);
  drop_callback(s);
  delete kept_repr(s);
  const bool large = s->large;
  if (s->kind == HandleKind::timer) {
    TimerState* t = as_timer(s);
    t->~TimerState();
    if (large)
      LargeTimerPool::deallocate(t);
    else
      SmallTimerPool::deallocate(t);
  } else if (s->shared) {
    s->~HandleState();
    ::operator delete(s);
  } else {
    s->~HandleState();
    if (large)
      LargeHandlePool::deallocate(s);
    else
      SmallHandlePool::deallocate(s);
  }
}

}  // namespace detail

void Handle::cancel() {
  detail::HandleState* s = state_;
  if (!s) return;
  if (s->shared) {
    // A call_soon_threadsafe handle may be cancelled from several threads at once.
    if (s->cancelled.exchange(true, std::memory_order_relaxed)) return;
  } else {
    // Only the loop's thread touches the others: no locked read-modify-write needed (an
    // exchange stalls on the handle's cache line, which is often cold).
    if (s->cancelled.load(std::memory_order_relaxed)) return;
    s->cancelled.store(true, std::memory_order_relaxed);
  }
  // TimerHandle.cancel: only a timer still in the heap counts (CAN-05).
  if (s->kind == detail::HandleKind::timer && s->scheduled)
    detail::as_timer(s)->loop->timer_handle_cancelled(s);
  // Handle.cancel keeps the repr in debug mode, then drops callback and args (CAN-01). A
  // running callback is dropped when it returns; a call_soon_threadsafe callback only by the
  // loop's thread.
  if (s->shared || s->running) return;
  std::string* kept = s->debug ? new std::string(repr()) : nullptr;
  detail::drop_callback(s);
  if (kept) {
    ::new (s->storage()) std::string*(kept);
    s->has_repr = true;
  }
}

std::string Handle::format_callback_source() const {
  std::string out;
  if (!state_ || !state_->has_callback) return out;
  state_->ops->describe(state_->storage(), out);
  if (state_->line() != 0) {
    out += " at ";
    out += state_->file();
    out += ':';
    out += std::to_string(state_->line());
  }
  return out;
}

std::string Handle::repr() const {
  if (!state_) return "<Handle None>";
  const detail::HandleState& s = *state_;
  if (s.has_repr) return *detail::kept_repr(state_);
  const bool timer = s.kind == detail::HandleKind::timer;
  std::string info = timer ? "<TimerHandle" : "<Handle";
  if (cancelled()) info += " cancelled";
  if (timer) info += " when=" + repr_double(detail::as_timer(&s)->when);
  if (s.has_callback) info += " " + format_callback_source();
  if (s.debug && s.line() != 0) {
    info += " created at ";
    info += s.file();
    info += ':';
    info += std::to_string(s.line());
  }
  return info + ">";
}

}  // namespace aio
