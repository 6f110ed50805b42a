#pragma once
// WakeFd: the wake-up channel of the real selectors, an eventfd that wake() makes readable and
// drain() empties. Private to aio_real. wake() is the only member other threads (and signal
// handlers) may call; everything else belongs to the loop thread.

#include <atomic>

namespace aio::real {

class WakeFd final {
 public:
  // Opens the eventfd (EFD_NONBLOCK | EFD_CLOEXEC). Throws OSError.
  WakeFd();
  ~WakeFd();
  WakeFd(const WakeFd&) = delete;
  WakeFd& operator=(const WakeFd&) = delete;

  // The fd to watch for readability; -1 once closed. Loop thread only.
  int fd() const noexcept { return fd_.load(std::memory_order_relaxed); }
  // Makes fd() readable. Thread-safe and async-signal-safe (lock-free atomics and write(2)
  // only; errno is preserved). Does nothing once closed.
  void wake() noexcept;
  // Consumes every pending wake(), however many there were. Loop thread only.
  void drain() noexcept;
  // A hint for a selector that has nothing else to poll, so that it can skip the system call:
  // true if a wake() may have come since the last drain() began (it may be stale). False is
  // wrong only for a wake() that races with a drain() or with this call; its write still
  // leaves fd() readable, so the next wait that polls fd() returns at once: such a wake-up
  // is at worst noticed one wait later, never lost. Loop thread only.
  bool maybe_pending() const noexcept { return pending_.load(std::memory_order_relaxed); }
  // Closes the eventfd after any wake() running in another thread has finished with it, so
  // that a late wake() can never write to a reused fd number. Idempotent. Loop thread only.
  void close() noexcept;

 private:
  std::atomic<int> fd_;
  std::atomic<int> in_flight_{0};  // wake() calls between their check of fd_ and their write
  std::atomic<bool> pending_{false};  // set by wake() before it writes, cleared by drain()
};

}  // namespace aio::real
