// WakeFd: an eventfd used as the selectors' self-pipe (see wake_fd.h).
#include "wake_fd.h"

#include <sched.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "aio/errors.h"

namespace aio::real {

namespace {

int open_eventfd() {
  int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) throw OSError(errno);
  return fd;
}

}  // namespace

WakeFd::WakeFd() : fd_(open_eventfd()) {}

WakeFd::~WakeFd() {
  close();
}

void WakeFd::wake() noexcept {
  const int saved_errno = errno;
  // Announce ourselves before looking at fd_: close() publishes -1 and then waits for
  // in_flight_ to drop to zero, so either we see -1 or close() sees us (both seq_cst).
  in_flight_.fetch_add(1);
  pending_.store(true);
  const int fd = fd_.load();
  if (fd >= 0) {
    const std::uint64_t one = 1;
    // EAGAIN means the counter is saturated: the fd is readable already, which is all we want.
    while (::write(fd, &one, sizeof one) < 0 && errno == EINTR) {
    }
  }
  in_flight_.fetch_sub(1);
  errno = saved_errno;
}

void WakeFd::drain() noexcept {
  const int fd = fd_.load(std::memory_order_relaxed);
  if (fd < 0) return;
  std::uint64_t count = 0;
  // Cleared before reading: a wake() after this point either is consumed by the read or
  // sets the flag again.
  pending_.store(false);
  // One read resets an eventfd counter to zero; EAGAIN means it already was.
  while (::read(fd, &count, sizeof count) < 0 && errno == EINTR) {
  }
}

void WakeFd::close() noexcept {
  const int fd = fd_.exchange(-1);
  if (fd < 0) return;
  while (in_flight_.load() != 0) ::sched_yield();
  ::close(fd);  // Linux releases the fd even when this reports EINTR: never retry.
}

}  // namespace aio::real
