// EpollSelector: selectors.EpollSelector on Linux epoll (see aio/epoll_selector.h).
#include "aio/epoll_selector.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "aio/errors.h"
#include "selector_keys.h"
#include "timeouts.h"
#include "wake_fd.h"

namespace aio {

namespace {

std::uint32_t to_epoll_events(std::uint32_t events) {
  std::uint32_t bits = 0;
  if (events & EVENT_READ) bits |= EPOLLIN;
  if (events & EVENT_WRITE) bits |= EPOLLOUT;
  return bits;
}

int epoll_control(int epoll_fd, int op, int fd, std::uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  return ::epoll_ctl(epoll_fd, op, fd, &ev);
}

}  // namespace

struct EpollSelector::State {
  real::WakeFd wake;
  real::SelectorKeys keys;
  std::vector<epoll_event> buffer;
  int epoll_fd = -1;
  bool closed = false;

  ~State() {
    if (epoll_fd >= 0) ::close(epoll_fd);
  }
  void check_open() const {
    if (closed) real::throw_closed("EpollSelector");
  }
};

EpollSelector::EpollSelector() : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (s.epoll_fd < 0) throw OSError(errno);
  if (epoll_control(s.epoll_fd, EPOLL_CTL_ADD, s.wake.fd(), EPOLLIN) < 0) throw OSError(errno);
}

EpollSelector::~EpollSelector() {
  close();
}

void EpollSelector::register_fd(int fd, std::uint32_t events) {
  State& s = *state_;
  s.check_open();
  s.keys.check_new(fd, events);
  if (epoll_control(s.epoll_fd, EPOLL_CTL_ADD, fd, to_epoll_events(events)) < 0) {
    throw OSError(errno);  // nothing recorded yet
  }
  s.keys.insert(fd, events);
}

void EpollSelector::modify(int fd, std::uint32_t events) {
  State& s = *state_;
  s.check_open();
  const std::uint32_t old_events = s.keys.at(fd);
  real::check_events(events);
  if (events == old_events) return;
  if (epoll_control(s.epoll_fd, EPOLL_CTL_MOD, fd, to_epoll_events(events)) < 0) {
    const int err = errno;
    s.keys.erase(fd);  // as _PollLikeSelector.modify: forget the fd, then raise
    throw OSError(err);
  }
  s.keys.set(fd, events);
}

void EpollSelector::unregister(int fd) {
  State& s = *state_;
  s.check_open();
  s.keys.at(fd);
  s.keys.erase(fd);
  // Fails with EBADF or ENOENT when fd was closed since it was registered (closing it already
  // removed it from the epoll set). CPython ignores any OSError here; so do we.
  epoll_control(s.epoll_fd, EPOLL_CTL_DEL, fd, 0);
}

void EpollSelector::select_seconds(double timeout, std::vector<SelectorEvent>& ready) {
  ready.clear();
  State& s = *state_;
  s.check_open();
  // A poll with nothing registered and no wake-up pending has nothing to report: skip the
  // system call (see WakeFd::maybe_pending for why no wake-up can be lost). Checked before
  // the timeout is converted: this is the path of every iteration of a busy loop.
  if (timeout <= 0 && s.keys.size() == 0 && !s.wake.maybe_pending()) return;
  std::int64_t wait_ns = real::epoll_timeout_ns(timeout);
  const real::Deadline deadline(wait_ns);
  // maxevents = max(len(fd_to_key), 1) as CPython, plus a slot for the wake-up fd.
  s.buffer.resize(std::max<std::size_t>(s.keys.size(), 1) + 1);
  const int max_events = static_cast<int>(std::min<std::size_t>(s.buffer.size(), INT_MAX));
  int n = 0;
  for (;;) {
    n = ::epoll_wait(s.epoll_fd, s.buffer.data(), max_events, real::to_milliseconds(wait_ns));
    if (n >= 0) break;
    if (errno != EINTR) throw OSError(errno);
    std::optional<std::int64_t> left = deadline.remaining_ns();
    if (!left) return;  // the deadline passed while we were interrupted: nothing is ready
    wait_ns = *left;
  }
  const int wake_fd = s.wake.fd();
  for (int i = 0; i < n; ++i) {
    const epoll_event& ev = s.buffer[static_cast<std::size_t>(i)];
    if (ev.data.fd == wake_fd) {
      s.wake.drain();
      continue;
    }
    const std::uint32_t events =
        real::to_selector_events(ev.events, EPOLLIN, EPOLLOUT, s.keys.find(ev.data.fd));
    if (events != 0) ready.push_back(SelectorEvent{ev.data.fd, events});
  }
}

void EpollSelector::wakeup() {
  state_->wake.wake();
}

std::size_t EpollSelector::size() const {
  return state_->keys.size();
}

void EpollSelector::close() {
  State& s = *state_;
  if (s.closed) return;
  s.closed = true;
  s.keys.clear();
  s.buffer = {};
  s.wake.close();
  ::close(s.epoll_fd);  // never retried: Linux frees the fd even on EINTR
  s.epoll_fd = -1;
}

}  // namespace aio
