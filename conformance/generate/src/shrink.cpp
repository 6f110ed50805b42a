#include "loopcheck/generate/shrink.h"

#include <algorithm>

namespace loopcheck::gen {
namespace {

// Shortlex: fewer picks, then smaller picks. Every accepted edit makes the sequence
// smaller in this order, so shrinking ends.
bool smaller(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

// The answered picks, without trailing zeros (a replay past the end answers 0 anyway).
std::vector<std::uint32_t> canonical(std::vector<std::uint32_t> picks) {
  while (!picks.empty() && picks.back() == 0) picks.pop_back();
  return picks;
}

}  // namespace

ShrinkResult shrink(const std::vector<std::uint32_t>& picks, const GenOptions& options,
                    const std::function<bool(const Json&)>& fails, int max_tests) {
  ShrinkResult r;
  {
    ReplayChoices replay(picks);
    r.scenario = generate_scenario(replay, options);
    r.picks = canonical(replay.answered());
  }
  // Tries a candidate; adopts it when it is smaller and still fails.
  auto attempt = [&](const std::vector<std::uint32_t>& candidate) {
    if (r.tests >= max_tests) return false;
    ReplayChoices replay(candidate);
    Json sc = generate_scenario(replay, options);
    std::vector<std::uint32_t> got = canonical(replay.answered());
    if (!smaller(got, r.picks)) return false;
    ++r.tests;
    if (!fails(sc)) return false;
    r.picks = std::move(got);
    r.scenario = std::move(sc);
    ++r.improvements;
    return true;
  };
  bool progress = true;
  while (progress && r.tests < max_tests) {
    progress = false;
    for (std::size_t chunk : {32u, 16u, 8u, 4u, 2u, 1u})
      for (std::size_t i = 0; i + chunk <= r.picks.size() && r.tests < max_tests;) {
        std::vector<std::uint32_t> c = r.picks;
        c.erase(c.begin() + static_cast<long>(i), c.begin() + static_cast<long>(i + chunk));
        if (attempt(c)) progress = true;
        else i += chunk;  // non-overlapping: about 2n tests a pass
      }
    for (std::size_t i = 0; i < r.picks.size() && r.tests < max_tests; ++i) {
      for (int how = 0; how < 3 && i < r.picks.size() && r.picks[i] > 0; ++how) {
        std::vector<std::uint32_t> c = r.picks;
        const std::uint32_t v = c[i];
        c[i] = how == 0 ? 0 : how == 1 ? v / 2 : v - 1;
        if (c[i] == v) continue;
        if (attempt(c)) {
          progress = true;
          how = -1;  // try this position again from 0
        }
      }
    }
    // A smaller count usually leaves the picks of the things it no longer makes to be read
    // as other decisions: lower a pick by one and delete what follows it, together.
    for (std::size_t i = 0; i < r.picks.size() && r.tests < max_tests; ++i)
      for (std::size_t chunk : {1u, 2u, 3u, 4u, 6u, 8u}) {
        if (i >= r.picks.size() || r.picks[i] == 0 || i + 1 + chunk > r.picks.size()) break;
        std::vector<std::uint32_t> c = r.picks;
        c[i] -= 1;
        c.erase(c.begin() + static_cast<long>(i + 1), c.begin() + static_cast<long>(i + 1 + chunk));
        if (attempt(c)) progress = true;
      }
  }
  return r;
}

}  // namespace loopcheck::gen
