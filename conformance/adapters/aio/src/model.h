#pragma once
// The scenario language as data (scenarios/README.md sections 3 and 4; the Python reference
// is conformance/adapters/python/model.py): operations and their fields, error types,
// capabilities, object kinds and observable properties. Runs nothing.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loopcheck::aio_adapter {

inline constexpr int kLanguageVersion = 1;  // and minor version 1 (1.1): additions behind capabilities
inline constexpr int kMaxRepeat = 1000;    // `repeat` runs its steps 1 to kMaxRepeat times
inline constexpr int kProtocolVersion = 1;

// Object kinds an id can name.
inline constexpr std::string_view kHandle = "handle", kTimer = "timer", kFuture = "future",
                                  kTask = "task", kCallback = "callback", kPipe = "pipe",
                                  kSocketpair = "socketpair", kThread = "thread",
                                  kGather = "gather", kContext = "context";  // 1.1

enum class FieldType {
  id,             // defines an id of `kinds[0]`
  ref,            // names an id of one of `kinds`
  refs,           // a non-empty list of ids of `kinds` (1.1: gather's `of`)
  callback_id,    // add_done_callback's id (defined by the use that gives `do`)
  fd,             // "<pipe or socketpair id>.<end>"
  expr,           // observe expression
  steps,          // inline steps (try/finally): run where the enclosing step runs
  callback_steps, // the body of a callback the loop calls
  thread_steps,   // the body of a thread
  body,           // the body of a coroutine (task)
  handlers,       // try's except clauses
  number, number_or_null, positive_int, string, label, boolean, scalar, errtype, handler_mode,
  factory_mode,   // 1.1: set_task_factory's mode
  count,          // 1.1: repeat's times, 1..kMaxRepeat
};

struct Field {
  std::string name;
  FieldType type;
  std::vector<std::string> kinds;  // for id / ref
};

enum class Where { any, task, except };

struct OpSpec {
  std::vector<Field> fields;
  std::vector<std::string> required;
  std::string primary;  // the shorthand field, or empty
  Where where = Where::any;
  std::vector<std::string> needs;

  const Field* field(std::string_view name) const;
};

// The operation table; nullptr for an unknown name.
const OpSpec* find_op(std::string_view name);

// The closed set of error types (README section 4), in the order messages list them.
const std::vector<std::pair<std::string, std::string>>& error_types();  // (name, base)
bool is_error_type(std::string_view name);

const std::vector<std::string>& all_capabilities();
const std::vector<std::string>& loop_properties();
// The capability a loop property needs, or "".
std::string property_needs(std::string_view prop);
// Properties of an object kind; empty for kinds that have none.
const std::vector<std::string>& object_properties(std::string_view kind);
// Kinds that have properties (handle, timer, future, task).
const std::vector<std::string>& observable_kinds();
bool is_time_property(std::string_view prop);
// The ends of an fd-bearing kind ("r","w" / "a","b"); empty for other kinds.
std::vector<std::string> fd_ends(std::string_view kind);

bool is_id(std::string_view text);               // [A-Za-z_][A-Za-z0-9_]*
bool is_scenario_id(std::string_view text);      // area/name, lower case, digits, _
bool is_rule_id(std::string_view text);          // ORD-01
bool is_version(std::string_view text);          // 3.8, 3.4.4

// observe expressions: a loop property, or "<id>.<property>". {"", prop} for the loop.
std::optional<std::pair<std::string, std::string>> parse_expr(std::string_view expr);
// fd references: "<id>.<end>".
std::optional<std::pair<std::string, std::string>> parse_fd(std::string_view ref);

}  // namespace loopcheck::aio_adapter
