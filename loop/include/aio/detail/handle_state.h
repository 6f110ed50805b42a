#pragma once
// The shared state behind Handle and TimerHandle: an intrusively counted block holding the
// bound callback. Internal to aio. The ready queue, the timer heap, the fd table and user
// Handles each hold one reference.
//
// Threading: a handle made by call_soon is used on the loop's thread only, so its count is a
// plain integer. A handle made by call_soon_threadsafe is `shared`: its count is updated with
// atomic operations, and only the loop's thread ever destroys its callback.

#include <atomic>
#include <cstdint>
#include <source_location>
#include <string>

#include "aio/detail/callback.h"

namespace aio {
class EventLoop;
}

namespace aio::detail {

enum class HandleKind : std::uint8_t { handle, timer };

struct HandleState {
  std::uint32_t refs = 1;
  HandleKind kind = HandleKind::handle;
  bool shared = false;            // made by call_soon_threadsafe: atomic refcount
  bool scheduled = false;         // a timer that is in the loop's heap (TimerHandle._scheduled)
  bool has_callback = false;      // the callback in `storage` is alive
  bool running = false;           // the callback is executing now
  bool debug = false;             // made while the loop was in debug mode: keeps its origin
  std::atomic<bool> cancelled{false};
  const CallbackOps* ops = nullptr;
  EventLoop* loop = nullptr;      // valid while `scheduled`; never dereferenced otherwise
  std::string* cancelled_repr = nullptr;  // debug mode keeps the repr after cancel()
  std::source_location where;
  double when = 0.0;              // timers only
  std::uint64_t seq = 0;          // timers only: scheduling order, breaks ties of `when`
  alignas(std::max_align_t) unsigned char storage[kInlineCallbackSize];

  void add_ref() noexcept {
    if (shared)
      std::atomic_ref<std::uint32_t>(refs).fetch_add(1, std::memory_order_relaxed);
    else
      ++refs;
  }
};

// Drops the callback (Python's `self._callback = None; self._args = None`).
inline void drop_callback(HandleState* s) noexcept {
  if (s->has_callback) {
    s->has_callback = false;
    s->ops->destroy(s->storage);
  }
}

void destroy_handle(HandleState* s) noexcept;

inline void release(HandleState* s) noexcept {
  if (s->shared) {
    if (std::atomic_ref<std::uint32_t>(s->refs).fetch_sub(1, std::memory_order_acq_rel) != 1)
      return;
  } else if (--s->refs != 0) {
    return;
  }
  destroy_handle(s);
}

HandleState* allocate_handle();

// Live-handle accounting for tests' clean-close checks. Off by default (then it costs one
// predictable branch); turn it on before any loop runs.
void set_handle_accounting(bool enabled) noexcept;
long live_handle_count() noexcept;

template <class F, class... Args>
HandleState* make_handle(EventLoop* loop, bool debug, std::source_location where, F&& fn,
                         Args&&... args) {
  HandleState* s = allocate_handle();
  try {
    s->ops = emplace_callback(s->storage, std::forward<F>(fn), std::forward<Args>(args)...);
  } catch (...) {
    destroy_handle(s);
    throw;
  }
  s->has_callback = true;
  s->loop = loop;
  s->debug = debug;
  s->where = where;
  return s;
}

}  // namespace aio::detail
