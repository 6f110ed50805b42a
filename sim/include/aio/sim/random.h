#pragma once
// aio::sim::Random: the simulator's portable PRNG (xoshiro256**, seeded through splitmix64),
// with its own uniform double and unbiased uniform integer, so a seed gives the same numbers
// on every standard library, compiler and optimisation level.
// Must not use std::*_distribution, std::shuffle or std::random_device: their results are
// implementation-defined. Get streams from World::random(label), not by inventing seeds.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace aio::sim {

class Random final {
 public:
  // The four words of xoshiro256** state are filled from splitmix64(seed).
  explicit Random(std::uint64_t seed);

  // The seed this stream was built from.
  std::uint64_t seed() const { return seed_; }
  // The next 64 raw bits.
  std::uint64_t next_u64();
  // A double uniformly distributed in [0, 1), built from 53 random bits.
  double uniform();
  // A double uniformly distributed in [lo, hi). Throws aio::ValueError unless lo <= hi and
  // both are finite.
  double uniform(double lo, double hi);
  // An integer uniformly distributed in [lo, hi] (inclusive), without modulo bias.
  // Throws aio::ValueError if lo > hi.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  // An index uniformly distributed in [0, n). Throws aio::ValueError if n == 0.
  std::size_t index(std::size_t n);
  // True with probability p (p <= 0 never, p >= 1 always).
  bool chance(double p);

  // Fisher-Yates shuffle driven by this stream (portable, unlike std::shuffle).
  template <class T>
  void shuffle(std::span<T> items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::size_t j = index(i);
      using std::swap;
      swap(items[i - 1], items[j]);
    }
  }

 private:
  // Uniform in [0, bound] inclusive, bound < 2^64 - 1 or equal to it.
  std::uint64_t below_or_equal(std::uint64_t bound);

  std::uint64_t seed_;
  std::array<std::uint64_t, 4> state_{};
};

}  // namespace aio::sim
