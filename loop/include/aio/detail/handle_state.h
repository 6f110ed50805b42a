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
#include <new>
#include <string>

#include "aio/detail/callback.h"
#include "aio/location.h"

namespace aio {
class EventLoop;
}

namespace aio::detail {

// handle: call_soon's and the fd callbacks'; timer: call_later/call_at's (a TimerState);
// task_step: the one handle a task keeps for its own steps (a TaskStepHandle inside the task).
enum class HandleKind : std::uint8_t { handle, timer, task_step };

// One cache line for a call_soon handle: the header, then the bound callback inline.
struct HandleState {
  std::uint32_t refs = 1;
  HandleKind kind = HandleKind::handle;
  bool shared = false;        // made by call_soon_threadsafe: atomic refcount, plain heap block
  bool scheduled = false;     // a timer that is in the loop's heap (TimerHandle._scheduled)
  bool has_callback = false;  // the callback in `storage` is alive
  bool has_repr = false;      // `storage` holds the repr kept by cancel() in debug mode
  bool running = false;       // the callback is executing now
  bool debug = false;         // made while the loop was in debug mode: keeps its origin
  std::atomic<bool> cancelled{false};
  std::uint32_t line = 0;     // where it was scheduled (Location without the function name)
  const CallbackOps* ops = nullptr;
  const char* file = nullptr;
  alignas(8) unsigned char storage[kInlineCallbackSize];

  void add_ref() noexcept {
    if (shared)
      std::atomic_ref<std::uint32_t>(refs).fetch_add(1, std::memory_order_relaxed);
    else
      ++refs;
  }
};

// A TimerHandle's state: the loop to tell about cancellation, and its `when`.
struct TimerState : HandleState {
  EventLoop* loop = nullptr;  // valid while `scheduled`; never dereferenced otherwise
  double when = 0.0;
};

class FutureCore;

// The handle embedded in each task for its steps and wakeups: a task has at most one queued at a
// time, so it is reused rather than allocated (tasks.py makes a Handle per step). While
// referenced (refs > 0) it holds a reference to its task.
struct TaskStepHandle : HandleState {
  FutureCore* task = nullptr;  // its owner
};

inline TimerState* as_timer(HandleState* s) noexcept { return static_cast<TimerState*>(s); }
inline const TimerState* as_timer(const HandleState* s) noexcept {
  return static_cast<const TimerState*>(s);
}

// Drops the callback (Python's `self._callback = None; self._args = None`).
inline void drop_callback(HandleState* s) noexcept {
  if (s->has_callback) {
    s->has_callback = false;
    if (s->ops->destroy) s->ops->destroy(s->storage);  // null: trivially destructible
  }
}

// The repr kept by a debug-mode cancel(), stored where the callback was.
inline std::string* kept_repr(HandleState* s) noexcept {
  return s->has_repr ? *std::launder(reinterpret_cast<std::string**>(s->storage)) : nullptr;
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

// Allocation: call_soon handles and timers come from per-thread pools, threadsafe handles
// from the heap (they are often freed on another thread).
HandleState* allocate_handle(HandleKind kind, bool shared);

// Live-handle accounting for tests' clean-close checks. Off by default (then it costs one
// predictable branch); turn it on before any loop runs.
void set_handle_accounting(bool enabled) noexcept;
long live_handle_count() noexcept;

template <class F, class... Args>
HandleState* make_handle(HandleKind kind, bool shared, bool debug, Location where,
                         F&& fn, Args&&... args) {
  HandleState* s = allocate_handle(kind, shared);
  try {
    s->ops = emplace_callback(s->storage, std::forward<F>(fn), std::forward<Args>(args)...);
  } catch (...) {
    destroy_handle(s);
    throw;
  }
  s->has_callback = true;
  s->debug = debug;
  s->file = where.file;
  s->line = where.line;
  return s;
}

}  // namespace aio::detail
