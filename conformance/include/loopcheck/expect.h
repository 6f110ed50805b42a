// The `expect` section of a scenario, compiled into a tree of items (scenarios/README.md
// section 6). A port of compile_expect in conformance/adapters/python/check.py.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loopcheck/json.h"

namespace loopcheck {

struct Item {
  std::string kind;  // an event kind (record, value, ...) or a group (sequence, unordered)
  Json fields = Json::object();  // the event fields this item checks, in file order
  std::optional<double> at;      // expected time, if given
  Json at_json;                  // the same, as written (for messages)
  Path path;                     // where the item is in the scenario
  std::vector<std::unique_ptr<Item>> children;  // groups only
  bool is_group = false;

  // "record name=\"a\" at=0.5", or "unordered of 3 items", as the reference prints it.
  std::string describe() const;
  std::string where() const { return path_str(path); }
};

struct Expectation {
  std::unique_ptr<Item> trace;  // the top-level sequence
  Json final = Json::object();  // {running?, closed?}
  bool uses_logs() const;
};

// Throws ScenarioError naming the path.
Expectation compile_expect(const Json& raw, const Path& path);

// The event kinds: fields an item may check, and the shorthand field.
struct EventKind {
  std::string kind;
  std::vector<std::string> fields;
  std::string shorthand;
};
const std::vector<EventKind>& event_kinds();

inline constexpr size_t kMaxUnordered = 16;

}  // namespace loopcheck
