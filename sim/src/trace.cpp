// Trace: line formatting and the FNV-1a fingerprint.
#include "aio/sim/trace.h"

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace aio::sim {

namespace {

// The text of a time is what snprintf(buf, 64, "%.9f", time) writes: at most 63 characters.
constexpr std::size_t kMaxTimeChars = 63;

// Writes the "%.9f" text of `time` to `out` (room for kMaxTimeChars) and returns its end.
// std::to_chars is exact and rounds as printf does (ties to even), and is several times
// faster; printf stays for what it might not handle identically (inf, nan, overflow).
char* format_time_to(char* out, double time) {
  if (std::isfinite(time)) {
    char buf[400];  // the longest finite double in %.9f is 309 + 1 + 1 + 9 characters
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, time, std::chars_format::fixed, 9);
    if (ec == std::errc{}) {
      const auto n = std::min(static_cast<std::size_t>(end - buf), kMaxTimeChars);
      std::memcpy(out, buf, n);
      return out + n;
    }
  }
  char buf[kMaxTimeChars + 1];
  const int n = std::snprintf(buf, sizeof buf, "%.9f", time);
  const auto len = std::min(static_cast<std::size_t>(n < 0 ? 0 : n), kMaxTimeChars);
  std::memcpy(out, buf, len);
  return out + len;
}

}  // namespace

std::string Trace::format_time(double time) {
  char buf[kMaxTimeChars];
  return std::string(buf, format_time_to(buf, time));
}

void Trace::append(double time, std::string_view event) {
  char stamp[2 + kMaxTimeChars + 1] = {'t', '='};
  char* end = format_time_to(stamp + 2, time);
  *end++ = ' ';
  const auto stamp_size = static_cast<std::size_t>(end - stamp);
  std::string line;
  line.reserve(stamp_size + event.size());
  line.append(stamp, stamp_size);
  line.append(event);
  fingerprint_ = fnv1a64(line, fingerprint_);
  fingerprint_ = fnv1a64("\n", fingerprint_);
  lines_.push_back(std::move(line));
}

std::string Trace::fingerprint_hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, fingerprint_);
  return buf;
}

}  // namespace aio::sim
