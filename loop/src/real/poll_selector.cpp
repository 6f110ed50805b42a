// PollSelector: selectors.PollSelector on poll(2) (see aio/poll_selector.h).
#include "aio/poll_selector.h"

#include <poll.h>

#include <cerrno>

#include "aio/errors.h"
#include "selector_keys.h"
#include "timeouts.h"
#include "wake_fd.h"

namespace aio {

namespace {

short to_poll_events(std::uint32_t events) {
  short bits = 0;
  if (events & EVENT_READ) bits |= POLLIN;
  if (events & EVENT_WRITE) bits |= POLLOUT;
  return bits;
}

}  // namespace

struct PollSelector::State {
  real::WakeFd wake;
  real::SelectorKeys keys;
  // The array poll() sees: registered fds in registration order, then the wake-up fd. Rebuilt
  // by the first select() after a change, as CPython's poll object does.
  std::vector<pollfd> fds;
  bool fds_stale = true;
  bool closed = false;

  void check_open() const {
    if (closed) real::throw_closed("PollSelector");
  }
  void rebuild_fds() {
    fds.clear();
    keys.for_each([this](int fd, std::uint32_t events) {
      fds.push_back(pollfd{fd, to_poll_events(events), 0});
    });
    fds.push_back(pollfd{wake.fd(), POLLIN, 0});
    fds_stale = false;
  }
};

PollSelector::PollSelector() : state_(std::make_unique<State>()) {}

PollSelector::~PollSelector() {
  close();
}

void PollSelector::register_fd(int fd, std::uint32_t events) {
  State& s = *state_;
  s.check_open();
  s.keys.check_new(fd, events);
  s.keys.insert(fd, events);
  s.fds_stale = true;
}

void PollSelector::modify(int fd, std::uint32_t events) {
  State& s = *state_;
  s.check_open();
  const std::uint32_t old_events = s.keys.at(fd);
  real::check_events(events);
  if (events == old_events) return;
  s.keys.set(fd, events);
  s.fds_stale = true;
}

void PollSelector::unregister(int fd) {
  State& s = *state_;
  s.check_open();
  s.keys.at(fd);
  s.keys.erase(fd);
  s.fds_stale = true;
}

void PollSelector::select_seconds(double timeout, std::vector<SelectorEvent>& ready) {
  ready.clear();
  State& s = *state_;
  s.check_open();
  // A poll with nothing registered and no wake-up pending has nothing to report: skip the
  // system call (see WakeFd::maybe_pending for why no wake-up can be lost). Checked before
  // the timeout is converted: this is the path of every iteration of a busy loop.
  if (timeout <= 0 && s.keys.size() == 0 && !s.wake.maybe_pending()) return;
  std::int64_t wait_ns = real::poll_timeout_ns(timeout);
  const real::Deadline deadline(wait_ns);
  if (s.fds_stale) s.rebuild_fds();
  int n = 0;
  for (;;) {
    n = ::poll(s.fds.data(), s.fds.size(), real::to_milliseconds(wait_ns));
    if (n >= 0) break;
    if (errno != EINTR) throw OSError(errno);
    std::optional<std::int64_t> left = deadline.remaining_ns();
    if (!left) return;  // the deadline passed while we were interrupted: nothing is ready
    wait_ns = *left;
  }
  if (n == 0) return;
  const int wake_fd = s.wake.fd();
  for (const pollfd& p : s.fds) {
    if (p.revents == 0) continue;
    if (p.fd == wake_fd) {
      s.wake.drain();
      continue;
    }
    const auto kernel_events = static_cast<std::uint32_t>(static_cast<unsigned short>(p.revents));
    const std::uint32_t events =
        real::to_selector_events(kernel_events, POLLIN, POLLOUT, s.keys.find(p.fd));
    if (events != 0) ready.push_back(SelectorEvent{p.fd, events});
  }
}

void PollSelector::wakeup() {
  state_->wake.wake();
}

std::size_t PollSelector::size() const {
  return state_->keys.size();
}

void PollSelector::close() {
  State& s = *state_;
  if (s.closed) return;
  s.closed = true;
  s.keys.clear();
  s.fds = {};
  s.wake.close();
}

}  // namespace aio
