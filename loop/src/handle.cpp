// Handle and TimerHandle: allocation, cancellation, repr (events.py: Handle, TimerHandle).
#include "aio/handle.h"

#include "aio/detail/future_core.h"
#include "aio/event_loop.h"
#include "aio/exception_context.h"
#include "handle_pool.h"

namespace aio {

namespace detail {

namespace {
bool accounting = false;
std::atomic<long> live_handles{0};
using HandlePool = BlockPool<sizeof(HandleState)>;
using TimerPool = BlockPool<(sizeof(TimerState) + 15) / 16 * 16>;
static_assert(sizeof(HandleState) == 64, "a call_soon handle is one cache line");
}  // namespace

void set_handle_accounting(bool enabled) noexcept { accounting = enabled; }
long live_handle_count() noexcept { return live_handles.load(std::memory_order_relaxed); }

HandleState* allocate_handle(HandleKind kind, bool shared) {
  if (accounting) live_handles.fetch_add(1, std::memory_order_relaxed);
  HandleState* s;
  if (kind == HandleKind::timer) {
    s = ::new (TimerPool::allocate()) TimerState;
  } else if (shared) {
    s = ::new HandleState;
  } else {
    s = ::new (HandlePool::allocate()) HandleState;
  }
  s->kind = kind;
  s->shared = shared;
  return s;
}

void destroy_handle(HandleState* s) noexcept {
  if (s->kind == HandleKind::task_step) {
    // Not allocated: it lives in its task, which it lets go of now (and which may go with it).
    FutureCore* task = static_cast<TaskStepHandle*>(s)->task;
    drop_callback(s);
    delete kept_repr(s);
    s->has_repr = false;
    task->release();
    return;
  }
  if (accounting) live_handles.fetch_sub(1, std::memory_order_relaxed);
  drop_callback(s);
  delete kept_repr(s);
  if (s->kind == HandleKind::timer) {
    TimerState* t = as_timer(s);
    t->~TimerState();
    TimerPool::deallocate(t);
  } else if (s->shared) {
    delete s;
  } else {
    s->~HandleState();
    HandlePool::deallocate(s);
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
    ::new (s->storage) std::string*(kept);
    s->has_repr = true;
  }
}

std::string Handle::format_callback_source() const {
  std::string out;
  if (!state_ || !state_->has_callback) return out;
  state_->ops->describe(state_->storage, out);
  if (state_->line != 0) {
    out += " at ";
    out += state_->file;
    out += ':';
    out += std::to_string(state_->line);
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
  if (s.debug && s.line != 0) {
    info += " created at ";
    info += s.file;
    info += ':';
    info += std::to_string(s.line);
  }
  return info + ">";
}

}  // namespace aio
