#pragma once
// The loop's inbox for other threads: call_soon_threadsafe hands handles over here and wakes
// the selector; the loop moves them to its ready queue. It is shared (std::shared_ptr) with
// whatever may post from another thread later, such as executor workers, so that a worker
// finishing after the loop closed, or was destroyed, finds a closed inbox rather than a
// dangling loop. Internal to aio.

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "aio/detail/handle_state.h"
#include "aio/selector.h"

namespace aio::detail {

class ThreadsafeInbox {
 public:
  explicit ThreadsafeInbox(std::shared_ptr<Selector> selector) : selector_(std::move(selector)) {}
  ThreadsafeInbox(const ThreadsafeInbox&) = delete;
  ThreadsafeInbox& operator=(const ThreadsafeInbox&) = delete;
  ~ThreadsafeInbox() { close(); }

  // Hands `h` (one reference) over and wakes the selector; false, with `h` untouched, once
  // the inbox is closed.
  bool post(HandleState* h) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return false;
    // One wake-up per batch handed over: a non-empty inbox already has one on its way.
    const bool first = queue_.empty();
    queue_.push_back(h);
    pending_.store(true, std::memory_order_release);
    if (first) selector_->wakeup();
    return true;
  }

  bool pending() const noexcept { return pending_.load(std::memory_order_acquire); }

  // Moves everything handed over so far to `out` (the loop's ready queue), in order.
  template <class Out>
  void drain(Out& out) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (HandleState* h : queue_) out.push_back(h);
    queue_.clear();
    pending_.store(false, std::memory_order_relaxed);
  }

  // From now on post() fails. Releases what was never drained, and the selector (what holds
  // the inbox, such as work still queued in an executor, must not keep the selector alive:
  // in the simulator that would be a cycle through the world's own schedule).
  void close() noexcept {
    std::vector<HandleState*> dropped;
    std::shared_ptr<Selector> selector;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      dropped.swap(queue_);
      selector.swap(selector_);
      pending_.store(false, std::memory_order_relaxed);
    }
    for (HandleState* h : dropped) release(h);
  }

 private:
  std::mutex mutex_;
  std::vector<HandleState*> queue_;
  std::atomic<bool> pending_{false};
  bool closed_ = false;
  std::shared_ptr<Selector> selector_;
};

}  // namespace aio::detail
