// The scenario language as data (version 1): operations and their fields, error types,
// capabilities, observable properties. A port of conformance/adapters/python/model.py;
// scenarios/README.md is the prose specification.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "loopcheck/json.h"

namespace loopcheck {

inline constexpr int kLanguageVersion = 1;
inline constexpr int kLanguageMinor = 1;  // 1.1: additions behind new capabilities
inline constexpr int kMaxRepeat = 1000;   // `repeat` runs its steps 1 to kMaxRepeat times

// A scenario that is not valid: `path` names the place in the JSON value.
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(Path path, const std::string& message)
      : std::runtime_error(message), path_(std::move(path)), message_(message) {}
  const Path& path() const { return path_; }
  const std::string& message() const { return message_; }
  std::string where() const { return path_str(path_); }

 private:
  Path path_;
  std::string message_;
};

struct Op {
  // Field name -> type, in the reference's order ("id:handle", "ref:future,task", "steps",
  // "callback_steps", "thread_steps", "body", "handlers", "fd", "expr", "number", ...).
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> required;
  std::string primary;        // shorthand field, or empty
  std::string where = "any";  // any, task (task bodies only), except (except clauses only)
  std::vector<std::string> needs;

  const std::string* field_type(const std::string& name) const;
  std::string field_list() const;  // "id, do" or "none"
};

namespace model {

// Field types that hold steps.
inline const std::string kSteps = "steps";                // inline: try, finally
inline const std::string kCallbackSteps = "callback_steps";  // a callback the loop calls
inline const std::string kThreadSteps = "thread_steps";  // a thread's body
inline const std::string kBody = "body";                 // a coroutine's body

const std::map<std::string, Op>& ops();
const Op* find_op(const std::string& name);

// Error types in the reference's order, with their base (empty for BaseException).
const std::vector<std::pair<std::string, std::string>>& error_types();
bool is_error_type(const Json& v);
std::string error_type_list();  // "BaseException, SystemExit, ..."
// `name` is `base` or derives from it (names outside the set derive from BaseException).
bool is_subclass(const std::string& name, const std::string& base);

const std::vector<std::string>& capabilities();
const std::vector<std::string>& levels();
const std::vector<std::string>& handler_modes();
const std::vector<std::string>& factory_modes();
const std::vector<std::string>& top_keys();  // sorted, as the reference prints them
const std::vector<std::string>& required_top();
const std::vector<std::string>& loop_props();
// The capability a loop property needs, or empty.
std::string prop_needs(const std::string& prop);
// Object kind -> its observable properties (handle, timer, future, task, gather).
const std::vector<std::pair<std::string, std::vector<std::string>>>& object_props();
const std::vector<std::string>* props_of(const std::string& kind);
// Pipe and socketpair ends.
const std::vector<std::string>* fd_ends(const std::string& kind);

// Deadline in real seconds of a timeout class (short 10, medium 30, long 120), or nullopt.
std::optional<double> timeout_seconds(const std::string& cls);
const std::vector<std::string>& timeout_classes();

bool is_id(const std::string& s);           // [A-Za-z_][A-Za-z0-9_]*
bool is_version(const std::string& s);      // 3.N or 3.N.N
bool is_rule_id(const std::string& s);      // ORD-01
bool is_scenario_id(const std::string& s);  // area/name

// observe expressions: a loop property (object empty) or <id>.<property>.
std::optional<std::pair<std::string, std::string>> parse_expr(const Json& expr);
// fd references: <id>.<end>.
std::optional<std::pair<std::string, std::string>> parse_fd(const Json& ref);

// repr() of a value, cut to 60 characters as the reference does in messages.
std::string show(const Json& v);

std::string join(const std::vector<std::string>& items, const std::string& sep);

}  // namespace model
}  // namespace loopcheck
