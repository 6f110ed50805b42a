// Where the scenario generator's decisions come from. Every decision is one pick(n): a value
// in [0, n), and 0 is always the simplest choice (no more steps, the first and plainest
// operation, the smallest delay), so that lowering picks toward 0 simplifies a scenario. A
// recorded list of picks replays the same scenario; shrinking edits that list.
//
// Sources: PrngChoices (a seed; records its picks), ReplayChoices (a recorded list; 0 once
// exhausted), ByteChoices (libFuzzer's bytes; 0 once exhausted). RapidcheckChoices lives in
// conformance/properties/: this library must not depend on rapidcheck.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace loopcheck::gen {

class Choices {
 public:
  virtual ~Choices() = default;
  // A value in [0, n) (0 when n <= 1). Every call is one decision, whatever n is.
  virtual std::uint32_t pick(std::uint32_t n) = 0;
};

// splitmix64 seeded; uniform picks by multiply-shift; every pick is recorded.
class PrngChoices final : public Choices {
 public:
  explicit PrngChoices(std::uint64_t seed) : state_(seed) {}
  std::uint32_t pick(std::uint32_t n) override;
  const std::vector<std::uint32_t>& recorded() const { return recorded_; }

 private:
  std::uint64_t state_;
  std::vector<std::uint32_t> recorded_;
};

// Replays a recorded list. A value too large for its n (the list was edited) is taken
// modulo n; past the end every pick is 0. Records what it answered.
class ReplayChoices final : public Choices {
 public:
  explicit ReplayChoices(std::vector<std::uint32_t> picks) : picks_(std::move(picks)) {}
  std::uint32_t pick(std::uint32_t n) override;
  const std::vector<std::uint32_t>& answered() const { return answered_; }
  std::size_t used() const { return next_; }

 private:
  std::vector<std::uint32_t> picks_;
  std::vector<std::uint32_t> answered_;
  std::size_t next_ = 0;
};

// Reads picks from fuzzer input: 1 byte for n <= 256, 2 for n <= 65536, else 4
// (little-endian), taken modulo n; 0 once the bytes run out.
class ByteChoices final : public Choices {
 public:
  ByteChoices(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint32_t pick(std::uint32_t n) override;

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t next_ = 0;
};

}  // namespace loopcheck::gen
