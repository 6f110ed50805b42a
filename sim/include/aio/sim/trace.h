#pragma once
// aio::sim::Trace: the world's in-memory event log and its running fingerprint. Each line is
// "t=<virtual time, %.9f> <event>"; the fingerprint is FNV-1a 64 over every line and its
// newline, so two runs of a seed agree exactly when their traces do.
// Must not include anything that differs between runs of a seed (addresses, wall time, hash
// order): the fingerprint is compared across builds.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aio/sim/hash.h"

namespace aio::sim {

class Trace final {
 public:
  // Appends "t=<time> <event>" and folds it into the fingerprint.
  void append(double time, std::string_view event);

  const std::vector<std::string>& lines() const { return lines_; }
  std::uint64_t fingerprint() const { return fingerprint_; }
  // The fingerprint as 16 lower-case hex digits.
  std::string fingerprint_hex() const;

  // "%.9f", the one way the simulator prints a virtual time.
  static std::string format_time(double time);

 private:
  std::vector<std::string> lines_;
  std::uint64_t fingerprint_ = FNV1A64_OFFSET;
};

}  // namespace aio::sim
