#pragma once
// The shared state behind Handle and TimerHandle: an intrusively counted block holding the
// bound callback. Internal to aio. The ready queue, the timer heap, the fd table and user
// Handles each hold one reference.
//
// Threading: a handle made by call_soon is used on the loop's thread only, so its count is a
// plain integer. A handle made by call_soon_threadsafe is `shared`: its count is updated with
// atomic operations, and only the loop's thread ever destroys its callback.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <new>
#include <string>

#include "aio/detail/block_pool.h"
#include "aio/detail/callback.h"
#include "aio/location.h"

namespace aio {
class EventLoop;
}

namespace aio::detail {

// handle: call_soon's and the fd callbacks'; timer: call_later/call_at's (a TimerState);
// task_step: the one handle a task keeps for its own steps (a TaskStepHandle inside the task).
enum class HandleKind : std::uint8_t { handle, timer, task_step };

// The bound callback lives inline right after the 24-byte header: 8 bytes of it in a 32-byte
// handle (a lambda capturing one pointer or reference, or a heap-held callback), 40 in a
// 64-byte one. Half a cache line per handle matters: a batch of a million callbacks is memory
// bound, and its handles are written once by call_soon and read once by the run.
inline constexpr std::size_t kSmallCallbackSize = 8;
inline constexpr std::size_t kLargeCallbackSize = 40;

// The header. Extra state of a kind goes in front of it (TimerState, TaskStepHandle), so the
// callback is at the same offset in every handle.
struct HandleState {
  const CallbackOps* ops = nullptr;
  std::uint64_t site = 0;  // where it was scheduled: the file pointer, the line in bits 48..63
  std::uint32_t refs = 1;
  HandleKind kind = HandleKind::handle;
  bool shared = false;  // made by call_soon_threadsafe: atomic refcount, plain heap block
  std::atomic<bool> cancelled{false};
  // Written by the loop's thread only (or before the handle is shared), never while another
  // thread may read this byte.
  bool scheduled : 1 = false;     // a timer that is in the loop's heap (TimerHandle._scheduled)
  bool has_callback : 1 = false;  // the callback in storage() is alive
  bool has_repr : 1 = false;      // storage() holds the repr kept by cancel() in debug mode
  bool running : 1 = false;       // the callback is executing now
  bool debug : 1 = false;         // made while the loop was in debug mode: keeps its origin
  bool large : 1 = false;         // kLargeCallbackSize bytes of storage (else kSmallCallbackSize)

  HandleState() = default;
  // All of a new handle's header at once (a few stores, rather than one per field).
  HandleState(const CallbackOps* callback, std::uint64_t where, HandleKind k, bool is_shared,
              bool is_large, bool is_debug) noexcept
      : ops(callback),
        site(where),
        kind(k),
        shared(is_shared),
        has_callback(true),
        debug(is_debug),
        large(is_large) {}

  unsigned char* storage() noexcept { return reinterpret_cast<unsigned char*>(this + 1); }
  const unsigned char* storage() const noexcept {
    return reinterpret_cast<const unsigned char*>(this + 1);
  }
  std::size_t storage_size() const noexcept { return large ? kLargeCallbackSize : kSmallCallbackSize; }

  // Lines above 65535, and addresses beyond 48 bits, are not kept (the site is then unknown).
  static std::uint64_t pack_site(const char* file, std::uint32_t line) noexcept {
    const auto f = reinterpret_cast<std::uintptr_t>(file);
    return line == 0 || line > 0xFFFF || (f >> 48) != 0 ? 0 : f | (std::uint64_t{line} << 48);
  }
  const char* file() const noexcept {
    return site == 0 ? "" : reinterpret_cast<const char*>(site & ((std::uint64_t{1} << 48) - 1));
  }
  std::uint32_t line() const noexcept { return static_cast<std::uint32_t>(site >> 48); }

  void add_ref() noexcept {
    if (shared)
      std::atomic_ref<std::uint32_t>(refs).fetch_add(1, std::memory_order_relaxed);
    else
      ++refs;
  }
};
static_assert(sizeof(HandleState) == 24 && alignof(HandleState) == 8);

// A TimerHandle's state: the loop to tell about cancellation, and its `when`, in front of the
// header; the callback follows the header as in every handle.
struct TimerState {
  EventLoop* loop = nullptr;  // valid while `scheduled`; never dereferenced otherwise
  double when = 0.0;
  HandleState h;

  TimerState() = default;
  TimerState(const CallbackOps* callback, std::uint64_t site, bool large, bool debug) noexcept
      : h(callback, site, HandleKind::timer, false, large, debug) {}
};
static_assert(std::is_standard_layout_v<TimerState> && sizeof(TimerState) == 40);

class FutureCore;

// The handle embedded in each task for its steps and wakeups: a task has at most one queued at a
// time, so it is reused rather than allocated (tasks.py makes a Handle per step). While
// referenced (h.refs > 0) it holds a reference to its task.
struct TaskStepHandle {
  FutureCore* task = nullptr;  // its owner
  HandleState h;
  alignas(8) unsigned char callback[kLargeCallbackSize];
};
static_assert(std::is_standard_layout_v<TaskStepHandle> &&
              offsetof(TaskStepHandle, callback) == offsetof(TaskStepHandle, h) + sizeof(HandleState));

inline TimerState* as_timer(HandleState* s) noexcept {
  return reinterpret_cast<TimerState*>(reinterpret_cast<unsigned char*>(s) - offsetof(TimerState, h));
}
inline const TimerState* as_timer(const HandleState* s) noexcept {
  return reinterpret_cast<const TimerState*>(reinterpret_cast<const unsigned char*>(s) -
                                             offsetof(TimerState, h));
}
inline TaskStepHandle* as_task_step(HandleState* s) noexcept {
  return reinterpret_cast<TaskStepHandle*>(reinterpret_cast<unsigned char*>(s) -
                                           offsetof(TaskStepHandle, h));
}

// Drops the callback (Python's `self._callback = None; self._args = None`).
inline void drop_callback(HandleState* s) noexcept {
  if (s->has_callback) {
    s->has_callback = false;
    if (s->ops->destroy) s->ops->destroy(s->storage());  // null: trivially destructible
  }
}

// The repr kept by a debug-mode cancel(), stored where the callback was.
inline std::string* kept_repr(HandleState* s) noexcept {
  return s->has_repr ? *std::launder(reinterpret_cast<std::string**>(s->storage())) : nullptr;
}

void destroy_handle(HandleState* s) noexcept;

// The pools: half a cache line or one per handle; timers have their 16-byte prefix in front.
using SmallHandlePool = BlockPool<sizeof(HandleState) + kSmallCallbackSize>;
using LargeHandlePool = BlockPool<sizeof(HandleState) + kLargeCallbackSize>;
using SmallTimerPool = BlockPool<offsetof(TimerState, h) + sizeof(HandleState) + kSmallCallbackSize>;
using LargeTimerPool = BlockPool<offsetof(TimerState, h) + sizeof(HandleState) + kLargeCallbackSize>;

// Live-handle accounting for tests' clean-close checks. Off by default (then it costs one
// predictable branch); turn it on before any loop runs.
void set_handle_accounting(bool enabled) noexcept;
long live_handle_count() noexcept;
inline bool handle_accounting = false;
inline std::atomic<long> live_handles{0};

inline void release(HandleState* s) noexcept {
  if (s->shared) {
    if (std::atomic_ref<std::uint32_t>(s->refs).fetch_sub(1, std::memory_order_acq_rel) != 1)
      return;
  } else if (--s->refs != 0) {
    return;
  }
  // The common case inline: a call_soon handle that kept no repr.
  if (s->kind == HandleKind::handle && !s->shared && !s->has_repr && !handle_accounting) [[likely]] {
    if (s->has_callback && s->ops->destroy) s->ops->destroy(s->storage());
    if (s->large)
      LargeHandlePool::deallocate(s);
    else
      SmallHandlePool::deallocate(s);
    return;
  }
  destroy_handle(s);
}

// Allocation: call_soon handles and timers come from per-thread pools (`large`: 64 bytes
// rather than 32), threadsafe handles from the heap (they are often freed on another thread).
// Returns the block; a timer's header is offsetof(TimerState, h) into it.
[[gnu::always_inline]] inline void* allocate_block(HandleKind kind, bool shared, bool large) {
  if (kind == HandleKind::timer) return large ? LargeTimerPool::allocate() : SmallTimerPool::allocate();
  if (shared) return ::operator new(sizeof(HandleState) + (large ? kLargeCallbackSize : kSmallCallbackSize));
  return large ? LargeHandlePool::allocate() : SmallHandlePool::allocate();
}
inline void free_block(HandleKind kind, bool shared, bool large, void* block) noexcept {
  if (kind == HandleKind::timer) {
    large ? LargeTimerPool::deallocate(block) : SmallTimerPool::deallocate(block);
  } else if (shared) {
    ::operator delete(block);
  } else {
    large ? LargeHandlePool::deallocate(block) : SmallHandlePool::deallocate(block);
  }
}

// A new handle of `kind` for the callback fn(args...), with one reference. Inline, so that
// call_soon's constant arguments fold every choice away.
template <class F, class... Args>
[[gnu::always_inline]] inline HandleState* make_handle(HandleKind kind, bool shared, bool debug,
                                                       Location where, F&& fn, Args&&... args) {
  using B = Bound<std::decay_t<F>, std::decay_t<Args>...>;
  // A callback too big for a large handle is held on the heap, from a small one.
  constexpr bool large = !kFitsInline<B, kSmallCallbackSize> && kFitsInline<B, kLargeCallbackSize>;
  constexpr std::size_t capacity = large ? kLargeCallbackSize : kSmallCallbackSize;
  void* block = allocate_block(kind, shared, large);
  auto* header = static_cast<unsigned char*>(block) + (kind == HandleKind::timer ? offsetof(TimerState, h) : 0);
  try {
    construct_callback<capacity>(header + sizeof(HandleState), std::forward<F>(fn),
                                 std::forward<Args>(args)...);
  } catch (...) {
    free_block(kind, shared, large, block);
    throw;
  }
  const CallbackOps* ops = callback_ops<B, capacity>();
  const std::uint64_t site = HandleState::pack_site(where.file, where.line);
  HandleState* s;
  if (kind == HandleKind::timer)
    s = &(::new (block) TimerState(ops, site, large, debug))->h;
  else
    s = ::new (block) HandleState(ops, site, kind, shared, large, debug);
  if (handle_accounting) [[unlikely]]
    live_handles.fetch_add(1, std::memory_order_relaxed);
  return s;
}

}  // namespace aio::detail
