// SelectSelector: selectors.SelectSelector on select(2) (see aio/select_selector.h).
#include "aio/select_selector.h"

#include <sys/select.h>

#include <algorithm>
#include <cerrno>

#include "aio/errors.h"
#include "selector_keys.h"
#include "timeouts.h"
#include "wake_fd.h"

namespace aio {

namespace {

void check_fd_setsize(int fd) {
  if (fd >= FD_SETSIZE) throw ValueError("filedescriptor out of range in select()");
}

}  // namespace

struct SelectSelector::State {
  real::WakeFd wake;
  real::SelectorKeys keys;
  bool closed = false;

  void check_open() const {
    if (closed) real::throw_closed("SelectSelector");
  }
  // Fills the read and write sets from the registrations plus the wake-up fd; returns nfds.
  int fill(fd_set& readers, fd_set& writers) const {
    FD_ZERO(&readers);
    FD_ZERO(&writers);
    int max_fd = wake.fd();
    FD_SET(max_fd, &readers);
    keys.for_each([&](int fd, std::uint32_t events) {
      if (events & EVENT_READ) FD_SET(fd, &readers);
      if (events & EVENT_WRITE) FD_SET(fd, &writers);
      max_fd = std::max(max_fd, fd);
    });
    return max_fd + 1;
  }
};

SelectSelector::SelectSelector() : state_(std::make_unique<State>()) {
  check_fd_setsize(state_->wake.fd());
}

SelectSelector::~SelectSelector() {
  close();
}

void SelectSelector::register_fd(int fd, std::uint32_t events) {
  State& s = *state_;
  s.check_open();
  s.keys.check_new(fd, events);
  check_fd_setsize(fd);
  s.keys.insert(fd, events);
}

void SelectSelector::modify(int fd, std::uint32_t events) {
  State& s = *state_;
  s.check_open();
  s.keys.at(fd);
  real::check_events(events);
  s.keys.set(fd, events);
}

void SelectSelector::unregister(int fd) {
  State& s = *state_;
  s.check_open();
  s.keys.at(fd);
  s.keys.erase(fd);
}

void SelectSelector::select_seconds(double timeout, std::vector<SelectorEvent>& ready) {
  ready.clear();
  State& s = *state_;
  s.check_open();
  // A poll with nothing registered and no wake-up pending has nothing to report: skip the
  // system call (see WakeFd::maybe_pending for why no wake-up can be lost). Checked before
  // the timeout is converted: this is the path of every iteration of a busy loop.
  if (timeout <= 0 && s.keys.size() == 0 && !s.wake.maybe_pending()) return;
  std::int64_t wait_ns = real::select_timeout_ns(timeout);
  const real::Deadline deadline(wait_ns);
  fd_set readers;
  fd_set writers;
  int nfds = 0;
  int n = 0;
  for (;;) {
    nfds = s.fill(readers, writers);  // select(2) may have scribbled on the sets: refill
    timeval tv{};
    if (wait_ns != real::kBlock) tv = real::to_timeval(wait_ns);
    n = ::select(nfds, &readers, &writers, nullptr, wait_ns == real::kBlock ? nullptr : &tv);
    if (n >= 0) break;
    if (errno != EINTR) throw OSError(errno);
    std::optional<std::int64_t> left = deadline.remaining_ns();
    if (!left) return;  // the deadline passed while we were interrupted: nothing is ready
    wait_ns = *left;
  }
  if (n == 0) return;
  const int wake_fd = s.wake.fd();
  if (FD_ISSET(wake_fd, &readers)) s.wake.drain();
  // select(2) answers with bitmaps: report in ascending fd order.
  for (int fd = 0; fd < nfds; ++fd) {
    if (fd == wake_fd) continue;
    std::uint32_t events = 0;
    if (FD_ISSET(fd, &readers)) events |= EVENT_READ;
    if (FD_ISSET(fd, &writers)) events |= EVENT_WRITE;
    events &= s.keys.find(fd);
    if (events != 0) ready.push_back(SelectorEvent{fd, events});
  }
}

void SelectSelector::wakeup() {
  state_->wake.wake();
}

std::size_t SelectSelector::size() const {
  return state_->keys.size();
}

void SelectSelector::close() {
  State& s = *state_;
  if (s.closed) return;
  s.closed = true;
  s.keys.clear();
  s.wake.close();
}

}  // namespace aio
