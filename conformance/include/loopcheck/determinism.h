// Determinism checks of the harness: run fingerprints (PROTOCOL.md, the `fingerprint` result
// field), the corpus's combined fingerprint, and `--check-determinism`: each scenario run twice
// with the same seed, on two adapter processes, compared answer by answer; the first that
// differs is a Divergence, shown with both scenario traces and both simulator traces around
// the first line that differs.
// Must not run anything itself: the runner runs, this compares and formats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopcheck/adapter.h"
#include "loopcheck/results.h"

namespace loopcheck {

// FNV-1a 64 of `text`, continuing from `state`, as 16 lower-case hex digits via to_hex.
std::uint64_t fnv1a64(std::string_view text, std::uint64_t state = 0xcbf29ce484222325ULL);
std::string to_hex(std::uint64_t value);

// The fingerprint of a whole run: FNV-1a 64 over "<id> <seed> <fingerprint>\n" for every
// result that has one, in the order given (the runner's: id, then repeat). Empty when none has.
std::string combined_fingerprint(const std::vector<ScenarioResult>& results);

// What one run of a scenario gave, as far as determinism goes.
struct RunImage {
  std::string what;         // "answer", or how the transport failed: crash, timeout, bad answer
  std::string status;       // the adapter's status
  std::string fingerprint;  // empty when the adapter sent none
  Json trace = Json::array();
  Json final;
  std::string message;             // error.message
  std::vector<std::string> world;  // trace_world lines (when asked for and given)
};
RunImage image_of(const Outcome& outcome);

struct Divergence {
  std::string id;
  std::uint64_t seed = 0;
  int repeat = 0;
  RunImage first, second;
};

// Nothing when the two runs agree (same fingerprint, status, trace, final state and message).
std::optional<Divergence> compare_runs(const std::string& id, std::uint64_t seed, int repeat,
                                       RunImage first, RunImage second);

// The report of a divergence: what differs, the first differing scenario trace event and
// simulator trace line, and `context` events / lines on either side, for both runs.
std::string format_divergence(const Divergence& d, std::size_t context = 6);

}  // namespace loopcheck
