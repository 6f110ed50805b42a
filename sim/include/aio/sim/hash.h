#pragma once
// Stable 64-bit hashes for the simulator: FNV-1a (labels, trace fingerprints) and the
// splitmix64 finaliser (seed mixing). Their values are part of the simulator's contract: a
// seed must give the same streams and fingerprints on every build, so never change them and
// never replace them with std::hash (which differs between standard libraries).

#include <cstdint>
#include <string_view>

namespace aio::sim {

inline constexpr std::uint64_t FNV1A64_OFFSET = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t FNV1A64_PRIME = 0x100000001b3ULL;

// FNV-1a 64 of `text`, continuing from `state` (pass a previous result to hash a sequence).
constexpr std::uint64_t fnv1a64(std::string_view text, std::uint64_t state = FNV1A64_OFFSET) {
  for (char c : text) {
    state ^= static_cast<std::uint8_t>(c);
    state *= FNV1A64_PRIME;
  }
  return state;
}

// The splitmix64 output function: a bijective mix of all 64 bits.
constexpr std::uint64_t splitmix64_mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// One step of the splitmix64 generator: advances `state` and returns the next output.
constexpr std::uint64_t splitmix64_next(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  return splitmix64_mix(state);
}

}  // namespace aio::sim
