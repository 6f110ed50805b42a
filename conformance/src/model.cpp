#include "loopcheck/model.h"

#include <algorithm>

namespace loopcheck {

const std::string* Op::field_type(const std::string& name) const {
  for (const auto& [k, t] : fields)
    if (k == name) return &t;
  return nullptr;
}

std::string Op::field_list() const {
  std::vector<std::string> names;
  for (const auto& f : fields) names.push_back(f.first);
  return names.empty() ? "none" : model::join(names, ", ");
}

namespace model {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

namespace {

Op op(std::vector<std::pair<std::string, std::string>> fields,
      std::vector<std::string> required = {}, std::string primary = {},
      std::string where = "any", std::vector<std::string> needs = {}) {
  return Op{std::move(fields), std::move(required), std::move(primary), std::move(where),
            std::move(needs)};
}

std::map<std::string, Op> make_ops() {
  const std::string S = kSteps, CB = kCallbackSteps, TH = kThreadSteps, B = kBody;
  const std::string CTX = "ref:context", AW = "ref:future,task,gather";  // 1.1
  std::map<std::string, Op> m;
  m["call_soon"] = op({{"id", "id:handle"}, {"context", CTX}, {"do", CB}}, {"do"});
  m["call_later"] = op({{"id", "id:timer"}, {"delay", "number?"}, {"context", CTX}, {"do", CB}}, {"delay", "do"});
  m["call_at"] = op({{"id", "id:timer"}, {"at", "number?"}, {"context", CTX}, {"do", CB}}, {"at", "do"});
  m["call_soon_threadsafe"] = op({{"id", "id:handle"}, {"do", CB}}, {"do"});
  m["cancel"] = op({{"target", "ref:handle,timer,future,task,gather"}, {"msg", "string"}, {"as", "label"}},
                   {"target"}, "target");
  m["run_forever"] = op({});
  m["run_until_complete"] = op({{"target", AW}, {"body", B}, {"as", "label"}}, {}, "target");
  m["stop"] = op({});
  m["close"] = op({});
  m["create_future"] = op({{"id", "id:future"}}, {"id"}, "id");
  m["set_result"] = op({{"future", "ref:future,task"}, {"value", "scalar"}}, {"future"}, "future");
  m["set_exception"] = op({{"future", "ref:future,task"}, {"type", "errtype"}, {"message", "string"}},
                          {"future", "type"});
  m["add_done_callback"] =
      op({{"future", AW}, {"id", "callback"}, {"context", CTX}, {"do", CB}}, {"future", "id"});
  m["remove_done_callback"] = op({{"future", AW}, {"id", "ref:callback"}, {"as", "label"}}, {"future", "id"});
  m["create_task"] = op({{"id", "id:task"}, {"name", "string"}, {"context", CTX}, {"body", B}}, {"id", "body"}, {},
                        "any", {"tasks"});
  m["uncancel"] = op({{"task", "ref:task"}, {"as", "label"}}, {"task"}, "task");
  m["set_exception_handler"] =
      op({{"mode", "handler_mode"}, {"type", "errtype"}, {"message", "string"}}, {"mode"}, "mode");
  m["set_debug"] = op({{"enabled", "bool"}}, {"enabled"}, "enabled");
  m["pipe"] = op({{"id", "id:pipe"}}, {"id"}, "id", "any", {"pipes"});
  m["socketpair"] = op({{"id", "id:socketpair"}}, {"id"}, "id", "any", {"socketpair"});
  m["add_reader"] = op({{"fd", "fd"}, {"do", CB}}, {"fd", "do"});
  m["add_writer"] = op({{"fd", "fd"}, {"do", CB}}, {"fd", "do"});
  m["remove_reader"] = op({{"fd", "fd"}, {"as", "label"}}, {"fd"}, "fd");
  m["remove_writer"] = op({{"fd", "fd"}, {"as", "label"}}, {"fd"}, "fd");
  m["write"] = op({{"fd", "fd"}, {"data", "string"}}, {"fd", "data"});
  m["read"] = op({{"fd", "fd"}, {"size", "int"}, {"as", "label"}}, {"fd"}, "fd");
  m["thread"] = op({{"id", "id:thread"}, {"delay", "number"}, {"do", TH}}, {"id", "do"}, {}, "any",
                   {"threads"});
  m["join_thread"] = op({{"thread", "ref:thread"}}, {"thread"}, "thread");
  m["raise"] = op({{"type", "errtype"}, {"message", "string"}}, {"type"}, "type");
  m["reraise"] = op({}, {}, {}, "except");
  m["try"] = op({{"do", S}, {"except", "handlers"}, {"finally", S}}, {"do"});
  m["record"] = op({{"name", "string"}, {"value", "scalar"}}, {"name"}, "name");
  m["observe"] = op({{"what", "expr"}, {"as", "label"}}, {"what"}, "what");
  m["block"] = op({{"seconds", "number"}}, {"seconds"}, "seconds");
  m["await"] = op({{"target", AW}, {"as", "label"}}, {"target"}, "target", "task");
  m["sleep"] = op({{"delay", "number"}}, {"delay"}, "delay", "task");
  m["return"] = op({{"value", "scalar"}}, {}, "value", "task");
  // Language 1.1.
  m["set_var"] = op({{"value", "scalar"}}, {"value"}, "value", "any", {"contextvars"});
  m["copy_context"] = op({{"id", "id:context"}}, {"id"}, "id", "any", {"contextvars"});
  m["run_in_context"] = op({{"context", "ref:context"}, {"do", CB}}, {"context", "do"}, {}, "any", {"contextvars"});
  m["run_in_executor"] =
      op({{"id", "id:future"}, {"value", "scalar"}, {"do", CB}}, {"id", "do"}, {}, "any", {"executor"});
  m["shutdown_default_executor"] = op({}, {}, {}, "task", {"executor"});
  m["set_default_executor"] = op({}, {}, {}, "any", {"executor"});
  m["gather"] = op({{"id", "id:gather"}, {"of", "refs:future,task"}, {"return_exceptions", "bool"}},
                   {"id", "of"}, {}, "any", {"gather"});
  m["set_task_factory"] = op({{"mode", "factory_mode"}}, {"mode"}, "mode", "any", {"task_factory"});
  m["repr"] = op({{"target", "ref:handle,timer,future,task,gather"}, {"as", "label"}}, {"target"}, "target", "any",
                 {"repr"});
  m["repeat"] = op({{"times", "count"}, {"do", S}}, {"times", "do"}, {}, "any", {"repeat"});
  return m;
}

}  // namespace

const std::map<std::string, Op>& ops() {
  static const auto table = make_ops();
  return table;
}

const Op* find_op(const std::string& name) {
  auto it = ops().find(name);
  return it == ops().end() ? nullptr : &it->second;
}

const std::vector<std::pair<std::string, std::string>>& error_types() {
  static const std::vector<std::pair<std::string, std::string>> t = {
      {"BaseException", ""},         {"SystemExit", "BaseException"},
      {"KeyboardInterrupt", "BaseException"}, {"CancelledError", "BaseException"},
      {"Exception", "BaseException"}, {"RuntimeError", "Exception"},
      {"ValueError", "Exception"},   {"TypeError", "Exception"},
      {"ZeroDivisionError", "Exception"}, {"InvalidStateError", "Exception"},
      {"OSError", "Exception"},      {"TimeoutError", "OSError"},
      {"BlockingIOError", "OSError"}};
  return t;
}

bool is_error_type(const Json& v) {
  if (!v.is_string()) return false;
  for (const auto& e : error_types())
    if (e.first == v.get<std::string>()) return true;
  return false;
}

std::string error_type_list() {
  std::vector<std::string> names;
  for (const auto& e : error_types()) names.push_back(e.first);
  return join(names, ", ");
}

bool is_subclass(const std::string& name, const std::string& base) {
  std::string cur = name;
  for (int guard = 0; guard < 32 && !cur.empty(); ++guard) {
    if (cur == base) return true;
    std::string parent = cur == "BaseException" ? "" : "BaseException";
    for (const auto& e : error_types())
      if (e.first == cur) parent = e.second;
    cur = parent;
  }
  return false;
}

const std::vector<std::string>& capabilities() {
  static const std::vector<std::string> v = {"virtual_time", "tasks", "threads", "pipes",
                                             "socketpair",   "debug", "logs",
                                             // language 1.1
                                             "contextvars", "executor", "gather", "task_factory",
                                             "repr", "internals", "repeat"};
  return v;
}
const std::vector<std::string>& levels() {
  static const std::vector<std::string> v = {"documented", "reference"};
  return v;
}
const std::vector<std::string>& handler_modes() {
  static const std::vector<std::string> v = {"record", "raise", "default"};
  return v;
}
const std::vector<std::string>& factory_modes() {
  static const std::vector<std::string> v = {"record", "default"};
  return v;
}
const std::vector<std::string>& top_keys() {
  static const std::vector<std::string> v = {"doc",   "expect",  "id",    "level", "needs",
                                             "notes", "program", "rules", "since", "tags",
                                             "timeout", "title", "until"};
  return v;
}
const std::vector<std::string>& required_top() {
  static const std::vector<std::string> v = {"id", "title", "rules", "level", "program", "expect"};
  return v;
}
const std::vector<std::string>& loop_props() {
  static const std::vector<std::string> v = {"is_running",   "is_closed", "time",
                                             "get_debug",    "current_task", "all_tasks",
                                             "get_exception_handler",
                                             // language 1.1
                                             "var", "get_task_factory", "scheduled_count",
                                             "timer_cancelled_count", "iterations"};
  return v;
}
std::string prop_needs(const std::string& prop) {
  if (prop == "current_task" || prop == "all_tasks") return "tasks";
  if (prop == "var") return "contextvars";
  if (prop == "get_task_factory") return "task_factory";
  if (prop == "scheduled_count" || prop == "timer_cancelled_count" || prop == "iterations") return "internals";
  return "";
}
const std::vector<std::pair<std::string, std::vector<std::string>>>& object_props() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> v = {
      {"handle", {"cancelled"}},
      {"timer", {"cancelled", "when"}},
      {"future", {"done", "cancelled", "result", "exception"}},
      {"task", {"done", "cancelled", "result", "exception", "cancelling", "get_name"}},
      {"gather", {"done", "cancelled", "result", "exception"}}};
  return v;
}
const std::vector<std::string>* props_of(const std::string& kind) {
  for (const auto& [k, props] : object_props())
    if (k == kind) return &props;
  return nullptr;
}
const std::vector<std::string>* fd_ends(const std::string& kind) {
  static const std::vector<std::string> pipe = {"r", "w"}, pair = {"a", "b"};
  if (kind == "pipe") return &pipe;
  if (kind == "socketpair") return &pair;
  return nullptr;
}

std::optional<double> timeout_seconds(const std::string& cls) {
  if (cls == "short") return 10.0;
  if (cls == "medium") return 30.0;
  if (cls == "long") return 120.0;
  return std::nullopt;
}
const std::vector<std::string>& timeout_classes() {
  static const std::vector<std::string> v = {"short", "medium", "long"};
  return v;
}

// The patterns of the reference (model.py's regular expressions), matched by hand: every
// run of a scenario validates it, and adapters such as the reference model run millions.
namespace {

bool ascii_in(char c, char lo, char hi) { return c >= lo && c <= hi; }
bool is_digit(char c) { return ascii_in(c, '0', '9'); }
bool is_id_start(char c) { return ascii_in(c, 'A', 'Z') || ascii_in(c, 'a', 'z') || c == '_'; }
bool is_lower_word(char c) { return ascii_in(c, 'a', 'z') || is_digit(c) || c == '_'; }

// One or more characters of `pred` from `i`; returns the index after them, or npos.
template <class Pred>
size_t run_of(const std::string& s, size_t i, Pred pred) {
  size_t j = i;
  while (j < s.size() && pred(s[j])) ++j;
  return j > i ? j : std::string::npos;
}

}  // namespace

// [A-Za-z_][A-Za-z0-9_]*
bool is_id(const std::string& s) {
  if (s.empty() || !is_id_start(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(), [](char c) { return is_id_start(c) || is_digit(c); });
}
// 3\.[0-9]+(\.[0-9]+)?
bool is_version(const std::string& s) {
  if (s.size() < 3 || s[0] != '3' || s[1] != '.') return false;
  size_t i = run_of(s, 2, is_digit);
  if (i == std::string::npos || i == s.size()) return i == s.size();
  if (s[i] != '.') return false;
  return run_of(s, i + 1, is_digit) == s.size();
}
// [A-Z]{2,4}-[0-9]{2}
bool is_rule_id(const std::string& s) {
  size_t i = run_of(s, 0, [](char c) { return ascii_in(c, 'A', 'Z'); });
  if (i == std::string::npos || i < 2 || i > 4 || i + 3 != s.size() || s[i] != '-') return false;
  return is_digit(s[i + 1]) && is_digit(s[i + 2]);
}
// [a-z0-9_]+/[a-z0-9_]+
bool is_scenario_id(const std::string& s) {
  size_t i = run_of(s, 0, is_lower_word);
  if (i == std::string::npos || i == s.size() || s[i] != '/') return false;
  return run_of(s, i + 1, is_lower_word) == s.size();
}

std::optional<std::pair<std::string, std::string>> parse_expr(const Json& expr) {
  if (!expr.is_string()) return std::nullopt;
  const auto s = expr.get<std::string>();
  auto dot = s.find('.');
  if (dot == std::string::npos) return std::make_pair(std::string(), s);
  auto obj = s.substr(0, dot);
  if (!is_id(obj)) return std::nullopt;
  return std::make_pair(obj, s.substr(dot + 1));
}

std::optional<std::pair<std::string, std::string>> parse_fd(const Json& ref) {
  if (!ref.is_string()) return std::nullopt;
  const auto s = ref.get<std::string>();
  if (std::count(s.begin(), s.end(), '.') != 1) return std::nullopt;
  auto dot = s.find('.');
  auto obj = s.substr(0, dot);
  if (!is_id(obj)) return std::nullopt;
  return std::make_pair(obj, s.substr(dot + 1));
}

std::string show(const Json& v) {
  // Python slices code points; messages cut long values, which are ASCII in practice.
  auto s = py_repr(v);
  return s.size() < 60 ? s : s.substr(0, 57) + "...";
}

}  // namespace model
}  // namespace loopcheck
