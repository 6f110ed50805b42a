#pragma once
// Timeouts of the real selectors: seconds converted to what each kernel call takes, rounded up
// exactly as CPython 3.11 rounds them (so a timer never fires before it is due), and the
// deadline that a retry after EINTR recomputes the remaining time from (PEP 475).
// Private to aio_real.
//
// A timeout in nanoseconds is kBlock (wait forever), 0 (poll) or positive. Timeouts beyond
// INT_MAX milliseconds (about 24.8 days) are clamped to that, where CPython raises
// OverflowError; the loop never asks for more than a day (MAXIMUM_SELECT_TIMEOUT).

#include <sys/time.h>

#include <cstdint>
#include <optional>

namespace aio::real {

inline constexpr std::int64_t kBlock = -1;

// EpollSelector.select: math.ceil(timeout * 1e3) * 1e-3 seconds, which epoll.poll() turns into
// nanoseconds rounding up. (That second rounding makes 0.009 s wait 10 ms, as in CPython.)
// NaN: ValueError("cannot convert float NaN to integer").
std::int64_t epoll_timeout_ns(std::optional<double> timeout);
// The same with Selector::kBlock (+infinity) for nullopt, as Selector::select_seconds has it.
std::int64_t epoll_timeout_ns(double timeout);
std::int64_t poll_timeout_ns(double timeout);
std::int64_t select_timeout_ns(double timeout);
// PollSelector.select: math.ceil(timeout * 1e3) milliseconds. NaN as for epoll.
std::int64_t poll_timeout_ns(std::optional<double> timeout);
// SelectSelector.select: max(timeout, 0) seconds in nanoseconds, rounded up.
// NaN: ValueError("Invalid value NaN (not a number)").
std::int64_t select_timeout_ns(std::optional<double> timeout);

// Milliseconds for epoll_wait/poll, rounded up; kBlock gives -1.
int to_milliseconds(std::int64_t ns);
// A timeval for select(2), rounded up to the microsecond. ns must not be kBlock.
timeval to_timeval(std::int64_t ns);

// Nanoseconds on CLOCK_MONOTONIC.
std::int64_t monotonic_ns();

class Deadline final {
 public:
  // Starts now; kBlock means no deadline.
  explicit Deadline(std::int64_t timeout_ns);
  // What to wait for after an EINTR: kBlock when blocking, nullopt once the deadline passed.
  std::optional<std::int64_t> remaining_ns() const;

 private:
  std::int64_t deadline_ns_;  // kBlock: none
};

}  // namespace aio::real
