#pragma once
// Validates a scenario (as JSON) and returns it normalized: every step becomes
// {"op": NAME, field: value, ...} (bare names and primary-field shorthands expanded), every
// except clause {"type": [T, ...], "do": [...]}, and "needs" / "timeout" get their defaults.
// Mirrors conformance/adapters/python/validate.py: metadata, ops, fields and their types,
// where an op may appear, ids defined once and references to the right kind, and `needs`
// listing every capability the program uses. The `expect` section is checked only for its
// shape (a mapping with `trace` and optional `final`): matching is the checker's business.

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace loopcheck::aio_adapter {

// A scenario that is not valid. `where()` is the JSON path of the problem, as
// "/program/3/call_later/delay".
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::vector<std::string> path, const std::string& message)
      : std::runtime_error(message), path_(std::move(path)) {}
  std::string where() const;
  const std::vector<std::string>& path() const noexcept { return path_; }

 private:
  std::vector<std::string> path_;
};

nlohmann::json validate_scenario(const nlohmann::json& scenario);

}  // namespace loopcheck::aio_adapter
