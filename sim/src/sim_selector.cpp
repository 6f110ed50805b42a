// SimSelector: registrations, ready-list ordering, and the select() step that moves virtual
// time through the world's schedule.
#include "aio/sim/sim_selector.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <limits>
#include <span>
#include <tuple>

#include "aio/errors.h"
#include "aio/sim/deadlock.h"
#include "aio/sim/world.h"
#include "world_state.h"

namespace aio::sim {

namespace {

constexpr std::uint32_t VALID_EVENTS = EVENT_READ | EVENT_WRITE;

const char* events_text(std::uint32_t events) {
  switch (events & VALID_EVENTS) {
    case EVENT_READ:
      return "r";
    case EVENT_WRITE:
      return "w";
    case VALID_EVENTS:
      return "rw";
    default:
      return "-";
  }
}

void check_fd(int fd) {
  if (fd < 0) throw ValueError("Invalid file descriptor: " + std::to_string(fd));
}

void check_events(std::uint32_t events) {
  if (events == 0 || (events & ~VALID_EVENTS) != 0) {
    throw ValueError("Invalid events: " + std::to_string(events));
  }
}

// Consumes a pending wakeup(). Looks before it swaps, as the locked exchange is the dearer
// part of a select with nothing to do; a wakeup() just after the look stays pending for the
// next select, as it would have after an exchange at that moment.
bool take_wakeup(std::atomic<bool>& flag) {
  return flag.load(std::memory_order_acquire) && flag.exchange(false, std::memory_order_acq_rel);
}

KeyError not_registered(int fd) {
  return KeyError(std::to_string(fd) + " is not registered");
}

}  // namespace

SimSelector::SimSelector(World& world, std::string trace_name)
    : world_(world.state_), trace_name_(std::move(trace_name)) {
  if (world.chaos()) chaos_.emplace(world.random("chaos.ready " + trace_name_));
}

SimSelector::~SimSelector() = default;

void SimSelector::check_open() const {
  if (closed_) throw RuntimeError("SimSelector is closed");
}

bool SimSelector::is_stale(int fd, const Registration& registration) const {
  auto readiness = world_->os.readiness(fd);
  return !readiness || readiness->open_id != registration.open_id;
}

void SimSelector::register_fd(int fd, std::uint32_t events) {
  check_open();
  check_events(events);
  check_fd(fd);
  auto existing = registrations_.find(fd);
  if (existing != registrations_.end() && !is_stale(fd, existing->second)) {
    const std::string text = std::to_string(fd);
    throw KeyError(text + " (FD " + text + ") is already registered");
  }
  auto readiness = world_->os.readiness(fd);
  if (!readiness) throw OSError(EBADF);
  const std::uint64_t stamp = world_->os.next_sequence();
  registrations_[fd] = Registration{events, readiness->open_id, stamp, stamp};
}

void SimSelector::modify(int fd, std::uint32_t events) {
  check_open();
  check_fd(fd);
  auto it = registrations_.find(fd);
  if (it == registrations_.end()) throw not_registered(fd);
  check_events(events);
  Registration& registration = it->second;
  if (events == registration.events) return;
  if (is_stale(fd, registration)) {
    registrations_.erase(it);
    throw OSError(EBADF);
  }
  const std::uint64_t stamp = world_->os.next_sequence();
  const std::uint32_t added = events & ~registration.events;
  if ((added & EVENT_READ) != 0) registration.read_since = stamp;
  if ((added & EVENT_WRITE) != 0) registration.write_since = stamp;
  registration.events = events;
}

void SimSelector::unregister(int fd) {
  check_fd(fd);
  if (registrations_.erase(fd) == 0) throw not_registered(fd);
}

std::uint32_t SimSelector::registered_events(int fd) const {
  auto it = registrations_.find(fd);
  return it == registrations_.end() ? 0 : it->second.events;
}

void SimSelector::wakeup() {
  wakeup_.store(true, std::memory_order_release);
}

void SimSelector::close() {
  closed_ = true;
  registrations_.clear();
}

void SimSelector::collect_ready(std::vector<SelectorEvent>& ready) {
  std::vector<std::tuple<std::uint64_t, int, std::uint32_t>> found;  // (stamp, fd, events)
  for (const auto& [fd, registration] : registrations_) {
    auto state = world_->os.readiness(fd);
    if (!state || state->open_id != registration.open_id) continue;  // stale: fd was closed
    std::uint32_t events = 0;
    std::uint64_t stamp = std::numeric_limits<std::uint64_t>::max();
    if ((registration.events & EVENT_READ) != 0 && state->readable) {
      events |= EVENT_READ;
      stamp = std::min(stamp, std::max(state->readable_since, registration.read_since));
    }
    if ((registration.events & EVENT_WRITE) != 0 && state->writable) {
      events |= EVENT_WRITE;
      stamp = std::min(stamp, std::max(state->writable_since, registration.write_since));
    }
    if (events != 0) found.emplace_back(stamp, fd, events);
  }
  std::sort(found.begin(), found.end());
  if (chaos_ && found.size() > 1) chaos_->shuffle(std::span(found));
  ready.clear();
  for (const auto& [stamp, fd, events] : found) ready.push_back(SelectorEvent{fd, events});
}

void SimSelector::select_seconds(double seconds, std::vector<SelectorEvent>& ready) {
  std::optional<double> timeout = seconds;
  check_open();
  if (timeout && std::isnan(*timeout)) throw ValueError("Invalid timeout: nan");
  if (timeout && std::isinf(*timeout) && *timeout > 0) timeout.reset();  // wait forever
  bool woken = take_wakeup(wakeup_);
  collect_ready(ready);
  const bool poll = timeout && *timeout <= 0;
  if (!ready.empty() || woken || poll) {
    if (!ready.empty() || !poll) trace_select(timeout, ready, woken);
    return;
  }
  VirtualClock& clock = world_->clock;
  double deadline = std::numeric_limits<double>::infinity();
  if (timeout) deadline = clock.now() + *timeout;
  if (!std::isfinite(deadline)) timeout.reset();  // a timeout too large to add is forever
  for (;;) {
    auto next = world_->events.next_time();
    if (!next || *next > deadline) break;
    clock.set(std::max(clock.now(), *next));
    world_->run_due_events();
    woken = take_wakeup(wakeup_);
    collect_ready(ready);
    if (!ready.empty() || woken) {
      trace_select(timeout, ready, woken);
      return;
    }
  }
  if (!timeout) throw_deadlock();
  clock.set(std::max(clock.now(), deadline));
  trace_select(timeout, ready, false);
}

void SimSelector::trace_select(std::optional<double> timeout,
                               const std::vector<SelectorEvent>& ready, bool woken) const {
  // One line per select, so built in a buffer that keeps its capacity.
  thread_local std::string line;
  line.assign(trace_name_);
  line += " timeout=";
  if (timeout)
    line += Trace::format_time(*timeout);
  else
    line += "none";
  line += " -> [";
  for (std::size_t i = 0; i < ready.size(); ++i) {
    if (i > 0) line += ',';
    line += std::to_string(ready[i].fd);
    line += ':';
    line += events_text(ready[i].events);
  }
  line += ']';
  if (woken) line += " woken";
  world_->trace(line);
}

void SimSelector::throw_deadlock() const {
  std::string fds;
  for (const auto& [fd, registration] : registrations_) {
    if (!fds.empty()) fds += ", ";
    fds += std::to_string(fd) + ' ' + events_text(registration.events);
    if (is_stale(fd, registration)) fds += " (closed)";
  }
  if (fds.empty()) fds = "none";
  throw Deadlock("deadlock at t=" + Trace::format_time(world_->clock.now()) +
                 ": select() with no timeout, nothing ready, no pending world events "
                 "(registered fds: " +
                 fds + ")");
}

}  // namespace aio::sim
