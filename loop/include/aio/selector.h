#pragma once
// The Selector seam: I/O readiness multiplexing, as Python's `selectors` module. The loop core
// registers fds and asks which are ready; it never polls the kernel itself. Real: EpollSelector
// (default), PollSelector, SelectSelector. Simulated: aio::sim::SimSelector.

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

namespace aio {

// Event bits, as selectors.EVENT_READ / EVENT_WRITE.
inline constexpr std::uint32_t EVENT_READ = 1;
inline constexpr std::uint32_t EVENT_WRITE = 2;

// One ready fd from select(): `events` is a subset of what the fd is registered for.
struct SelectorEvent {
  int fd;
  std::uint32_t events;
  friend bool operator==(const SelectorEvent&, const SelectorEvent&) = default;
};

class Selector {
 public:
  virtual ~Selector() = default;
  // The selector's class name as Python spells it ("EpollSelector", "SimSelector", ...).
  virtual std::string_view name() const = 0;
  // Starts watching fd for `events` (non-zero). Throws ValueError for a negative fd or a
  // zero/unknown event mask, KeyError if fd is already registered, OSError from the kernel.
  virtual void register_fd(int fd, std::uint32_t events) = 0;
  // Changes the events of a registered fd (non-zero). Throws KeyError if fd is not registered.
  virtual void modify(int fd, std::uint32_t events) = 0;
  // Stops watching fd. Throws KeyError if it is not registered; an fd already closed is fine.
  virtual void unregister(int fd) = 0;
  // Waits for readiness and replaces `ready` with the ready fds, in the backend's order.
  // timeout: nullopt blocks until an fd is ready or wakeup() is called; <= 0 polls; otherwise
  // waits at most that many seconds. A wakeup() makes it return early with whatever is ready.
  void select(std::optional<double> timeout, std::vector<SelectorEvent>& ready) {
    select_seconds(timeout ? *timeout : kBlock, ready);
  }
  // select() with the timeout as a plain double, kBlock (+infinity) meaning "block". This is
  // what implementations override and what the loop calls: a std::optional<double> handed
  // over by value is stored and reloaded in pieces, a store-forwarding stall on every
  // iteration of the loop.
  virtual void select_seconds(double timeout, std::vector<SelectorEvent>& ready) = 0;
  static constexpr double kBlock = std::numeric_limits<double>::infinity();
  // Thread-safe: makes a select() that is blocked, or the next one, return promptly.
  virtual void wakeup() = 0;
  // Number of registered fds (not counting any internal wake-up fd).
  virtual std::size_t size() const = 0;
  // Unregisters everything and releases the selector's own resources. Idempotent.
  virtual void close() = 0;
};

}  // namespace aio
