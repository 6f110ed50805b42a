// Handle and TimerHandle: allocation, cancellation, repr (events.py: Handle, TimerHandle).
#include "aio/handle.h"

#include "aio/event_loop.h"
#include "aio/exception_context.h"

namespace aio {

namespace detail {

namespace {
bool accounting = false;
std::atomic<long> live_handles{0};
}  // namespace

void set_handle_accounting(bool enabled) noexcept { accounting = enabled; }
long live_handle_count() noexcept { return live_handles.load(std::memory_order_relaxed); }

HandleState* allocate_handle() {
  if (accounting) live_handles.fetch_add(1, std::memory_order_relaxed);
  return new HandleState();
}

void destroy_handle(HandleState* s) noexcept {
  if (accounting) live_handles.fetch_sub(1, std::memory_order_relaxed);
  drop_callback(s);
  delete s->cancelled_repr;
  delete s;
}

}  // namespace detail

void Handle::cancel() {
  detail::HandleState* s = state_;
  if (!s || s->cancelled.exchange(true, std::memory_order_relaxed)) return;
  // TimerHandle.cancel: only a timer still in the heap counts (CAN-05).
  if (s->kind == detail::HandleKind::timer && s->scheduled) s->loop->timer_handle_cancelled(s);
  // Handle.cancel keeps the repr in debug mode, then drops callback and args (CAN-01). A
  // running callback is dropped when it returns; a call_soon_threadsafe callback only by the
  // loop's thread.
  if (s->shared || s->running) return;
  if (s->debug && !s->cancelled_repr) s->cancelled_repr = new std::string(repr());
  detail::drop_callback(s);
}

std::string Handle::format_callback_source() const {
  std::string out;
  if (!state_ || !state_->has_callback) return out;
  state_->ops->describe(state_->storage, out);
  if (state_->where.line() != 0) {
    out += " at ";
    out += state_->where.file_name();
    out += ':';
    out += std::to_string(state_->where.line());
  }
  return out;
}

std::string Handle::repr() const {
  if (!state_) return "<Handle None>";
  const detail::HandleState& s = *state_;
  if (s.cancelled_repr) return *s.cancelled_repr;
  const bool timer = s.kind == detail::HandleKind::timer;
  std::string info = timer ? "<TimerHandle" : "<Handle";
  if (cancelled()) info += " cancelled";
  if (timer) info += " when=" + repr_double(s.when);
  if (s.has_callback) info += " " + format_callback_source();
  if (s.debug && s.where.line() != 0) {
    info += " created at ";
    info += s.where.file_name();
    info += ':';
    info += std::to_string(s.where.line());
  }
  return info + ">";
}

}  // namespace aio
