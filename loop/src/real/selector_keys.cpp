// SelectorKeys and the checks the real selectors share (see selector_keys.h).
#include "selector_keys.h"

#include <string>

#include "aio/errors.h"
#include "aio/selector.h"

namespace aio::real {

void check_events(std::uint32_t events) {
  if (events == 0 || (events & ~(EVENT_READ | EVENT_WRITE)) != 0) {
    throw ValueError("Invalid events: " + std::to_string(events));
  }
}

void check_fd(int fd) {
  if (fd < 0) throw ValueError("Invalid file descriptor: " + std::to_string(fd));
}

void throw_closed(std::string_view selector_name) {
  throw RuntimeError(std::string(selector_name) + " is closed");
}

std::uint32_t to_selector_events(std::uint32_t kernel_events, std::uint32_t in_bit,
                                 std::uint32_t out_bit, std::uint32_t registered) {
  std::uint32_t events = 0;
  if ((kernel_events & ~in_bit) != 0) events |= EVENT_WRITE;
  if ((kernel_events & ~out_bit) != 0) events |= EVENT_READ;
  return events & registered;
}

void SelectorKeys::check_new(int fd, std::uint32_t events) const {
  check_events(events);
  check_fd(fd);
  if (events_.contains(fd)) {
    const std::string n = std::to_string(fd);
    throw KeyError(n + " (FD " + n + ") is already registered");
  }
}

std::uint32_t SelectorKeys::at(int fd) const {
  check_fd(fd);
  auto it = events_.find(fd);
  if (it == events_.end()) throw KeyError(std::to_string(fd) + " is not registered");
  return it->second.events;
}

std::uint32_t SelectorKeys::find(int fd) const {
  auto it = events_.find(fd);
  return it == events_.end() ? 0 : it->second.events;
}

void SelectorKeys::insert(int fd, std::uint32_t events) {
  const std::uint64_t seq = next_seq_++;
  events_.emplace(fd, Entry{events, seq});
  order_.emplace(seq, fd);
}

void SelectorKeys::set(int fd, std::uint32_t events) {
  events_.at(fd).events = events;
}

void SelectorKeys::erase(int fd) {
  auto it = events_.find(fd);
  if (it == events_.end()) return;
  order_.erase(it->second.seq);
  events_.erase(it);
}

void SelectorKeys::clear() {
  events_.clear();
  order_.clear();
}

}  // namespace aio::real
