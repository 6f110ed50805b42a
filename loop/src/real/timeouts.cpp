// Timeout rounding of the real selectors, as CPython 3.11's selectors and select modules
// (Lib/selectors.py, Modules/selectmodule.c, Python/pytime.c); see timeouts.h.
#include "timeouts.h"

#include <climits>
#include <cmath>
#include <ctime>

#include "aio/errors.h"

namespace aio::real {

namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;
constexpr std::int64_t kMaxMs = INT_MAX;
constexpr std::int64_t kMaxNs = kMaxMs * kNsPerMs;

// _PyTime_FromDouble(ROUND_TIMEOUT) for a positive value: seconds to nanoseconds, rounded up,
// clamped (see timeouts.h).
std::int64_t seconds_to_ns_ceil(double seconds) {
  const double ns = std::ceil(seconds * 1e9);
  if (!(ns < static_cast<double>(kMaxNs))) return kMaxNs;
  return static_cast<std::int64_t>(ns);
}

// math.ceil(timeout * 1e3) as a double, clamped.
double ceil_milliseconds(double seconds) {
  if (std::isnan(seconds)) throw ValueError("cannot convert float NaN to integer");
  return std::fmin(std::ceil(seconds * 1e3), static_cast<double>(kMaxMs));
}

}  // namespace

std::int64_t epoll_timeout_ns(std::optional<double> timeout) {
  if (!timeout) return kBlock;
  if (*timeout <= 0) return 0;
  // Two roundings, as in CPython: the selector's ceil to milliseconds, back to seconds as a
  // double, then epoll.poll()'s ceil to nanoseconds. 9 * 1e-3 is 0.009000000000000001 s, so
  // 9000001 ns, so 10 ms.
  const double seconds = ceil_milliseconds(*timeout) * 1e-3;
  return seconds_to_ns_ceil(seconds);
}

std::int64_t poll_timeout_ns(std::optional<double> timeout) {
  if (!timeout) return kBlock;
  if (*timeout <= 0) return 0;
  return static_cast<std::int64_t>(ceil_milliseconds(*timeout)) * kNsPerMs;
}

std::int64_t select_timeout_ns(std::optional<double> timeout) {
  if (!timeout) return kBlock;
  if (std::isnan(*timeout)) throw ValueError("Invalid value NaN (not a number)");
  if (*timeout <= 0) return 0;
  return seconds_to_ns_ceil(*timeout);
}

namespace {
std::optional<double> as_optional(double timeout) {
  if (std::isinf(timeout) && timeout > 0) return std::nullopt;
  return timeout;
}
}  // namespace

std::int64_t epoll_timeout_ns(double timeout) { return epoll_timeout_ns(as_optional(timeout)); }
std::int64_t poll_timeout_ns(double timeout) { return poll_timeout_ns(as_optional(timeout)); }
std::int64_t select_timeout_ns(double timeout) { return select_timeout_ns(as_optional(timeout)); }

int to_milliseconds(std::int64_t ns) {
  if (ns < 0) return -1;
  const std::int64_t ms = (ns + kNsPerMs - 1) / kNsPerMs;
  return static_cast<int>(ms < kMaxMs ? ms : kMaxMs);
}

timeval to_timeval(std::int64_t ns) {
  const std::int64_t us = (ns + 999) / 1000;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(us / 1'000'000);
  tv.tv_usec = static_cast<suseconds_t>(us % 1'000'000);
  return tv;
}

std::int64_t monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

Deadline::Deadline(std::int64_t timeout_ns)
    : deadline_ns_(timeout_ns < 0 ? kBlock : monotonic_ns() + timeout_ns) {}

std::optional<std::int64_t> Deadline::remaining_ns() const {
  if (deadline_ns_ == kBlock) return kBlock;
  const std::int64_t left = deadline_ns_ - monotonic_ns();
  if (left < 0) return std::nullopt;
  return left;
}

}  // namespace aio::real
