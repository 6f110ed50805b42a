// xoshiro256** (Blackman and Vigna, public domain reference algorithm) and the distributions
// built on it. Every formula here is part of the determinism contract.
#include "aio/sim/random.h"

#include <cmath>
#include <limits>
#include <string>

#include "aio/errors.h"
#include "aio/sim/hash.h"

namespace aio::sim {

namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

Random::Random(std::uint64_t seed) : seed_(seed) {
  std::uint64_t sm = seed;
  for (auto& word : state_) word = splitmix64_next(sm);
  // splitmix64 is a bijection of a counter, so four consecutive outputs are never all zero.
}

std::uint64_t Random::next_u64() {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

double Random::uniform() {
  // The top 53 bits, scaled by 2^-53: every value is exact and < 1.
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

double Random::uniform(double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) {
    throw ValueError("uniform() needs finite lo <= hi");
  }
  double value = lo + (hi - lo) * uniform();
  // Rounding can land exactly on hi when the range is tiny relative to lo; keep [lo, hi).
  return value < hi ? value : lo;
}

std::uint64_t Random::below_or_equal(std::uint64_t bound) {
  if (bound == std::numeric_limits<std::uint64_t>::max()) return next_u64();
  const std::uint64_t n = bound + 1;
  // Reject the lowest (2^64 mod n) values so that the remaining count is a multiple of n.
  const std::uint64_t threshold = (0 - n) % n;
  for (;;) {
    const std::uint64_t x = next_u64();
    if (x >= threshold) return x % n;
  }
}

std::int64_t Random::uniform_int(std::int64_t lo, std::int64_t hi) {
  if (lo > hi) {
    throw ValueError("uniform_int() needs lo <= hi, got " + std::to_string(lo) + " > " +
                     std::to_string(hi));
  }
  // Two's-complement arithmetic in uint64 handles the full int64 range without overflow.
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + below_or_equal(span));
}

std::size_t Random::index(std::size_t n) {
  if (n == 0) throw ValueError("index() needs n > 0");
  return static_cast<std::size_t>(below_or_equal(static_cast<std::uint64_t>(n) - 1));
}

bool Random::chance(double p) {
  if (!(p > 0.0)) return false;  // also NaN
  if (p >= 1.0) return true;
  return uniform() < p;
}

}  // namespace aio::sim
