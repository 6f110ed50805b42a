// The operation table and the other closed sets of the scenario language.
#include "model.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace loopcheck::aio_adapter {

namespace {

using F = FieldType;

Field id(std::string name, std::string kind) { return {std::move(name), F::id, {std::move(kind)}}; }
Field ref(std::string name, std::vector<std::string> kinds) {
  return {std::move(name), F::ref, std::move(kinds)};
}
Field refs(std::string name, std::vector<std::string> kinds) {
  return {std::move(name), F::refs, std::move(kinds)};
}
Field plain(std::string name, FieldType type) { return {std::move(name), type, {}}; }

const std::map<std::string, OpSpec, std::less<>>& table() {
  static const std::map<std::string, OpSpec, std::less<>> ops = [] {
    std::map<std::string, OpSpec, std::less<>> t;
    const std::vector<std::string> fut_task{"future", "task"};
    const std::vector<std::string> awaitable{"future", "task", "gather"};  // 1.1: gather
    const Field context = ref("context", {"context"});                    // 1.1: context=
    // Scheduling callbacks.
    t["call_soon"] = {{id("id", "handle"), context, plain("do", F::callback_steps)}, {"do"}, "", Where::any, {}};
    t["call_later"] = {{id("id", "timer"), plain("delay", F::number_or_null), context,
                        plain("do", F::callback_steps)}, {"delay", "do"}, "", Where::any, {}};
    t["call_at"] = {{id("id", "timer"), plain("at", F::number_or_null), context, plain("do", F::callback_steps)},
                    {"at", "do"}, "", Where::any, {}};
    t["call_soon_threadsafe"] = {{id("id", "handle"), plain("do", F::callback_steps)}, {"do"}, "", Where::any, {}};
    t["cancel"] = {{ref("target", {"handle", "timer", "future", "task", "gather"}), plain("msg", F::string),
                    plain("as", F::label)}, {"target"}, "target", Where::any, {}};
    // Running and stopping.
    t["run_forever"] = {};
    t["run_until_complete"] = {{ref("target", awaitable), plain("body", F::body), plain("as", F::label)},
                               {}, "target", Where::any, {}};
    t["stop"] = {};
    t["close"] = {};
    // Futures and tasks.
    t["create_future"] = {{id("id", "future")}, {"id"}, "id", Where::any, {}};
    t["set_result"] = {{ref("future", fut_task), plain("value", F::scalar)}, {"future"}, "future", Where::any, {}};
    t["set_exception"] = {{ref("future", fut_task), plain("type", F::errtype), plain("message", F::string)},
                          {"future", "type"}, "", Where::any, {}};
    t["add_done_callback"] = {{ref("future", awaitable), plain("id", F::callback_id), context,
                               plain("do", F::callback_steps)}, {"future", "id"}, "", Where::any, {}};
    t["remove_done_callback"] = {{ref("future", awaitable), ref("id", {"callback"}), plain("as", F::label)},
                                 {"future", "id"}, "", Where::any, {}};
    t["create_task"] = {{id("id", "task"), plain("name", F::string), context, plain("body", F::body)},
                        {"id", "body"}, "", Where::any, {"tasks"}};
    t["uncancel"] = {{ref("task", {"task"}), plain("as", F::label)}, {"task"}, "task", Where::any, {}};
    // Error handling and debug mode.
    t["set_exception_handler"] = {{plain("mode", F::handler_mode), plain("type", F::errtype),
                                   plain("message", F::string)}, {"mode"}, "mode", Where::any, {}};
    t["set_debug"] = {{plain("enabled", F::boolean)}, {"enabled"}, "enabled", Where::any, {}};
    // File descriptors.
    t["pipe"] = {{id("id", "pipe")}, {"id"}, "id", Where::any, {"pipes"}};
    t["socketpair"] = {{id("id", "socketpair")}, {"id"}, "id", Where::any, {"socketpair"}};
    t["add_reader"] = {{plain("fd", F::fd), plain("do", F::callback_steps)}, {"fd", "do"}, "", Where::any, {}};
    t["add_writer"] = {{plain("fd", F::fd), plain("do", F::callback_steps)}, {"fd", "do"}, "", Where::any, {}};
    t["remove_reader"] = {{plain("fd", F::fd), plain("as", F::label)}, {"fd"}, "fd", Where::any, {}};
    t["remove_writer"] = {{plain("fd", F::fd), plain("as", F::label)}, {"fd"}, "fd", Where::any, {}};
    t["write"] = {{plain("fd", F::fd), plain("data", F::string)}, {"fd", "data"}, "", Where::any, {}};
    t["read"] = {{plain("fd", F::fd), plain("size", F::positive_int), plain("as", F::label)}, {"fd"}, "fd",
                 Where::any, {}};
    // Threads.
    t["thread"] = {{id("id", "thread"), plain("delay", F::number), plain("do", F::thread_steps)},
                   {"id", "do"}, "", Where::any, {"threads"}};
    t["join_thread"] = {{ref("thread", {"thread"})}, {"thread"}, "thread", Where::any, {}};
    // Control flow and observation.
    t["raise"] = {{plain("type", F::errtype), plain("message", F::string)}, {"type"}, "type", Where::any, {}};
    t["reraise"] = {{}, {}, "", Where::except, {}};
    t["try"] = {{plain("do", F::steps), plain("except", F::handlers), plain("finally", F::steps)},
                {"do"}, "", Where::any, {}};
    t["record"] = {{plain("name", F::string), plain("value", F::scalar)}, {"name"}, "name", Where::any, {}};
    t["observe"] = {{plain("what", F::expr), plain("as", F::label)}, {"what"}, "what", Where::any, {}};
    t["block"] = {{plain("seconds", F::number)}, {"seconds"}, "seconds", Where::any, {}};
    // Task bodies only.
    t["await"] = {{ref("target", awaitable), plain("as", F::label)}, {"target"}, "target", Where::task, {}};
    t["sleep"] = {{plain("delay", F::number)}, {"delay"}, "delay", Where::task, {}};
    t["return"] = {{plain("value", F::scalar)}, {}, "value", Where::task, {}};
    // Language 1.1.
    t["set_var"] = {{plain("value", F::scalar)}, {"value"}, "value", Where::any, {"contextvars"}};
    t["copy_context"] = {{id("id", "context")}, {"id"}, "id", Where::any, {"contextvars"}};
    t["run_in_context"] = {{ref("context", {"context"}), plain("do", F::callback_steps)}, {"context", "do"}, "",
                           Where::any, {"contextvars"}};
    t["run_in_executor"] = {{id("id", "future"), plain("value", F::scalar), plain("do", F::callback_steps)},
                            {"id", "do"}, "", Where::any, {"executor"}};
    t["shutdown_default_executor"] = {{}, {}, "", Where::task, {"executor"}};
    t["set_default_executor"] = {{}, {}, "", Where::any, {"executor"}};
    t["gather"] = {{id("id", "gather"), refs("of", fut_task), plain("return_exceptions", F::boolean)},
                   {"id", "of"}, "", Where::any, {"gather"}};
    t["set_task_factory"] = {{plain("mode", F::factory_mode)}, {"mode"}, "mode", Where::any, {"task_factory"}};
    t["repr"] = {{ref("target", {"handle", "timer", "future", "task", "gather"}), plain("as", F::label)},
                 {"target"}, "target", Where::any, {"repr"}};
    t["repeat"] = {{plain("times", F::count), plain("do", F::steps)}, {"times", "do"}, "", Where::any, {"repeat"}};
    return t;
  }();
  return ops;
}

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_lower_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

const Field* OpSpec::field(std::string_view name) const {
  for (const Field& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

const OpSpec* find_op(std::string_view name) {
  auto it = table().find(name);
  return it == table().end() ? nullptr : &it->second;
}

const std::vector<std::pair<std::string, std::string>>& error_types() {
  static const std::vector<std::pair<std::string, std::string>> types{
      {"BaseException", ""},        {"SystemExit", "BaseException"},
      {"KeyboardInterrupt", "BaseException"}, {"CancelledError", "BaseException"},
      {"Exception", "BaseException"}, {"RuntimeError", "Exception"},
      {"ValueError", "Exception"},  {"TypeError", "Exception"},
      {"ZeroDivisionError", "Exception"}, {"InvalidStateError", "Exception"},
      {"OSError", "Exception"},     {"TimeoutError", "OSError"},
      {"BlockingIOError", "OSError"},
  };
  return types;
}

bool is_error_type(std::string_view name) {
  const auto& types = error_types();
  return std::any_of(types.begin(), types.end(), [&](const auto& t) { return t.first == name; });
}

const std::vector<std::string>& all_capabilities() {
  static const std::vector<std::string> caps{"virtual_time", "tasks", "threads", "pipes",
                                             "socketpair", "debug", "logs",
                                             // language 1.1
                                             "contextvars", "executor", "gather", "task_factory",
                                             "repr", "internals", "repeat"};
  return caps;
}

const std::vector<std::string>& loop_properties() {
  static const std::vector<std::string> props{"is_running", "is_closed", "time", "get_debug",
                                              "current_task", "all_tasks", "get_exception_handler",
                                              // language 1.1
                                              "var", "get_task_factory", "scheduled_count",
                                              "timer_cancelled_count", "iterations"};
  return props;
}

std::string property_needs(std::string_view prop) {
  if (prop == "current_task" || prop == "all_tasks") return "tasks";
  if (prop == "var") return "contextvars";
  if (prop == "get_task_factory") return "task_factory";
  if (prop == "scheduled_count" || prop == "timer_cancelled_count" || prop == "iterations") return "internals";
  return "";
}

const std::vector<std::string>& object_properties(std::string_view kind) {
  static const std::vector<std::string> handle{"cancelled"};
  static const std::vector<std::string> timer{"cancelled", "when"};
  static const std::vector<std::string> future{"done", "cancelled", "result", "exception"};
  static const std::vector<std::string> task{"done", "cancelled", "result", "exception",
                                             "cancelling", "get_name"};
  static const std::vector<std::string> none;
  if (kind == kHandle) return handle;
  if (kind == kTimer) return timer;
  if (kind == kFuture || kind == kGather) return future;
  if (kind == kTask) return task;
  return none;
}

const std::vector<std::string>& observable_kinds() {
  static const std::vector<std::string> kinds{"handle", "timer", "future", "task", "gather"};
  return kinds;
}

bool is_time_property(std::string_view prop) { return prop == "time" || prop == "when"; }

std::vector<std::string> fd_ends(std::string_view kind) {
  if (kind == kPipe) return {"r", "w"};
  if (kind == kSocketpair) return {"a", "b"};
  return {};
}

bool is_id(std::string_view text) {
  return !text.empty() && is_ident_start(text[0]) &&
         std::all_of(text.begin() + 1, text.end(), is_ident_char);
}

bool is_scenario_id(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return false;
  auto area = text.substr(0, slash), name = text.substr(slash + 1);
  return std::all_of(area.begin(), area.end(), is_lower_word_char) &&
         std::all_of(name.begin(), name.end(), is_lower_word_char);
}

bool is_rule_id(std::string_view text) {
  auto dash = text.find('-');
  if (dash == std::string_view::npos || dash < 2 || dash > 4 || text.size() != dash + 3) return false;
  for (std::size_t i = 0; i < dash; ++i)
    if (text[i] < 'A' || text[i] > 'Z') return false;
  return is_digit(text[dash + 1]) && is_digit(text[dash + 2]);
}

bool is_version(std::string_view text) {
  // ^3\.[0-9]+(\.[0-9]+)?$
  if (text.size() < 3 || text[0] != '3' || text[1] != '.') return false;
  std::size_t i = 2, parts = 0;
  while (true) {
    std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == start) return false;
    ++parts;
    if (i == text.size()) return parts <= 2;
    if (text[i] != '.' || parts == 2) return false;
    ++i;
  }
}

std::optional<std::pair<std::string, std::string>> parse_expr(std::string_view expr) {
  auto dot = expr.find('.');
  if (dot == std::string_view::npos) return std::pair<std::string, std::string>{"", std::string(expr)};
  auto obj = expr.substr(0, dot);
  if (!is_id(obj)) return std::nullopt;
  return std::pair<std::string, std::string>{std::string(obj), std::string(expr.substr(dot + 1))};
}

std::optional<std::pair<std::string, std::string>> parse_fd(std::string_view ref) {
  if (std::count(ref.begin(), ref.end(), '.') != 1) return std::nullopt;
  auto dot = ref.find('.');
  auto obj = ref.substr(0, dot);
  if (!is_id(obj)) return std::nullopt;
  return std::pair<std::string, std::string>{std::string(obj), std::string(ref.substr(dot + 1))};
}

}  // namespace loopcheck::aio_adapter
