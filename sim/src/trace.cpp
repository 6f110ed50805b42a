// Trace: line formatting and the FNV-1a fingerprint.
#include "aio/sim/trace.h"

#include <cinttypes>
#include <cstdio>

namespace aio::sim {

std::string Trace::format_time(double time) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9f", time);
  return buf;
}

void Trace::append(double time, std::string_view event) {
  std::string line = "t=" + format_time(time);
  line += ' ';
  line += event;
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
