#pragma once
// aio::sim::SimSelector: the simulated Selector seam, bound to one World. Readiness is computed
// from SimOs objects; select() is the only place virtual time moves on its own (when nothing
// is ready and the caller is willing to wait, it jumps to the next world event or the
// deadline). Must not make system calls, read a real clock, block, or spin forever: a wait
// that nothing could end throws aio::sim::Deadlock.
//
// Ready order, as epoll's ready list: each registration keeps, per event, the SimOs sequence
// stamp of the moment the fd last became ready for it (or of when that event was registered,
// if it was already ready then); an fd ready for several registered events takes the oldest.
// select() reports fds in increasing stamp order (fd number breaks ties), so the order is the
// order in which fds became ready and stays the same across iterations while they stay ready
// (ORD-18: data arriving on fds 2, 0, 3, 1 is reported as [2, 0, 3, 1], again next time).
// modify() keeps the stamps of events that stay registered, as EPOLL_CTL_MOD keeps an item's
// place on the ready list. In the world's chaos mode (WorldOptions::chaos) each select()
// instead reports its ready fds in an order drawn from this selector's own random stream:
// the docs define no order across fds. One fd's events stay one entry (read and write
// together), so reader-before-writer (ORD-17) is the loop's and unaffected.
//
// Errors follow CPython's selectors: ValueError("Invalid file descriptor: -1"),
// ValueError("Invalid events: 0"), KeyError("3 (FD 3) is already registered"),
// KeyError("3 is not registered"), OSError(EBADF) for an fd SimOs does not have open.
// When SimOs closes a registered fd the registration goes stale, as the kernel drops the fd
// from an epoll set: it is never reported, unregister() of it succeeds, register() of the
// reused number replaces it, modify() of it raises OSError(EBADF) and drops it.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aio/selector.h"
#include "aio/sim/random.h"

namespace aio::sim {

class World;
namespace detail {
struct WorldState;
}

class SimSelector final : public Selector {
 public:
  // `trace_name` starts this selector's trace lines ("select timeout=... -> [...]"); give each
  // selector of a shared world its own name to tell them apart.
  explicit SimSelector(World& world, std::string trace_name = "select");
  ~SimSelector() override;
  SimSelector(const SimSelector&) = delete;
  SimSelector& operator=(const SimSelector&) = delete;

  std::string_view name() const override { return "SimSelector"; }
  void register_fd(int fd, std::uint32_t events) override;
  void modify(int fd, std::uint32_t events) override;
  void unregister(int fd) override;
  void select_seconds(double timeout, std::vector<SelectorEvent>& ready) override;
  void wakeup() override;
  std::size_t size() const override { return registrations_.size(); }
  void close() override;

  bool closed() const { return closed_; }
  // The events fd is registered for, or 0 when it is not registered.
  std::uint32_t registered_events(int fd) const;

 private:
  struct Registration {
    std::uint32_t events = 0;
    std::uint64_t open_id = 0;      // SimOs identity of the file registered; stale if it changed
    std::uint64_t read_since = 0;   // sequence stamp of when EVENT_READ was registered
    std::uint64_t write_since = 0;  // sequence stamp of when EVENT_WRITE was registered
  };

  void check_open() const;
  bool is_stale(int fd, const Registration& registration) const;
  // Replaces `ready` with the ready registered events, in ready-list order (chaos: shuffled).
  void collect_ready(std::vector<SelectorEvent>& ready);
  void trace_select(std::optional<double> timeout, const std::vector<SelectorEvent>& ready,
                    bool woken) const;
  [[noreturn]] void throw_deadlock() const;

  std::shared_ptr<detail::WorldState> world_;
  std::string trace_name_;
  std::map<int, Registration> registrations_;
  std::atomic<bool> wakeup_{false};
  bool closed_ = false;
  std::optional<Random> chaos_;  // chaos mode: the stream that orders ready fds
};

}  // namespace aio::sim
