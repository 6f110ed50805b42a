#pragma once
// SelectorKeys: the bookkeeping the three real selectors share, as CPython's
// selectors._BaseSelectorImpl (fd -> registered events), with its argument checks and error
// texts, and the kernel-to-EVENT_* mapping of _PollLikeSelector. Private to aio_real; no
// kernel calls here. Loop thread only.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>
#include <unordered_map>

namespace aio::real {

class SelectorKeys final {
 public:
  // Throws as selectors' register() does, before any change: ValueError("Invalid events: N")
  // for a zero or unknown mask, then ValueError("Invalid file descriptor: N") for a negative
  // fd, then KeyError("N (FD N) is already registered").
  void check_new(int fd, std::uint32_t events) const;
  // The registered events of fd. Throws ValueError for a negative fd, then
  // KeyError("N is not registered").
  std::uint32_t at(int fd) const;
  // The registered events of fd, or 0 when it is not registered.
  std::uint32_t find(int fd) const;

  void insert(int fd, std::uint32_t events);  // fd must be new
  void set(int fd, std::uint32_t events);     // fd must be registered; keeps its place
  void erase(int fd);                         // fd must be registered
  void clear();
  std::size_t size() const { return events_.size(); }

  // Calls f(fd, events) for every registered fd, in registration order (dict order in CPython,
  // which is the order poll() sees its array in).
  template <class F>
  void for_each(F&& f) const {
    for (const auto& [seq, fd] : order_) f(fd, events_.at(fd).events);
  }

 private:
  struct Entry {
    std::uint32_t events;
    std::uint64_t seq;
  };
  std::unordered_map<int, Entry> events_;
  std::map<std::uint64_t, int> order_;  // registration sequence -> fd
  std::uint64_t next_seq_ = 0;
};

// ValueError("Invalid events: N") unless events is a non-empty subset of READ | WRITE.
void check_events(std::uint32_t events);
// ValueError("Invalid file descriptor: N") for a negative fd (selectors._fileobj_to_fd).
void check_fd(int fd);
// RuntimeError("<name> is closed").
[[noreturn]] void throw_closed(std::string_view selector_name);

// CPython's mapping of one kernel readiness word to EVENT_* bits: any bit other than `in_bit`
// (OUT, ERR, HUP, NVAL...) counts as writable, any bit other than `out_bit` as readable; the
// result is then masked with what the fd is registered for, so HUP and ERR wake both sides.
std::uint32_t to_selector_events(std::uint32_t kernel_events, std::uint32_t in_bit,
                                 std::uint32_t out_bit, std::uint32_t registered);

}  // namespace aio::real
