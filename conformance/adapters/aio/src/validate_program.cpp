// Validation of the program: steps, fields, ids and references (see validate_program.h).
#include "validate_program.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "model.h"

namespace loopcheck::aio_adapter {

using json = nlohmann::json;
using Path = std::vector<std::string>;

std::string show(const json& v) {
  std::string s = v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() < 60 ? s : s.substr(0, 57) + "...";
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

namespace {


Path operator+(Path p, const std::string& key) {
  p.push_back(key);
  return p;
}
Path operator+(Path p, std::size_t index) {
  p.push_back(std::to_string(index));
  return p;
}

std::vector<std::string> field_names(const OpSpec& op) {
  std::vector<std::string> names;
  for (const Field& f : op.fields) names.push_back(f.name);
  return names;
}

bool is_number(const json& v) { return v.is_number(); }  // JSON booleans are not numbers here
bool is_scalar(const json& v) { return v.is_null() || v.is_boolean() || v.is_number() || v.is_string(); }

void check_type(FieldType type, const json& v, const Path& path) {
  bool ok = false;
  std::string want;
  switch (type) {
    case FieldType::number: ok = is_number(v); want = "a number"; break;
    case FieldType::number_or_null: ok = v.is_null() || is_number(v); want = "a number or null"; break;
    case FieldType::positive_int:
      ok = v.is_number_integer() && v.get<long long>() > 0;
      want = "a positive integer";
      break;
    case FieldType::string: ok = v.is_string(); want = "a string"; break;
    case FieldType::label: ok = v.is_string() && !v.get<std::string>().empty(); want = "a non-empty string"; break;
    case FieldType::boolean: ok = v.is_boolean(); want = "true or false"; break;
    case FieldType::scalar: ok = is_scalar(v); want = "a JSON scalar (number, string, bool, null)"; break;
    case FieldType::errtype: {
      ok = v.is_string() && is_error_type(v.get<std::string>());
      std::vector<std::string> names;
      for (const auto& [name, base] : error_types()) names.push_back(name);
      want = "an error type (" + join(names, ", ") + ")";
      break;
    }
    case FieldType::handler_mode:
      ok = v.is_string() && (v == "record" || v == "raise" || v == "default");
      want = "one of record, raise, default";
      break;
    case FieldType::factory_mode:
      ok = v.is_string() && (v == "record" || v == "default");
      want = "one of record, default";
      break;
    case FieldType::count:
      ok = v.is_number_integer() && v.get<long long>() >= 1 && v.get<long long>() <= kMaxRepeat;
      want = "an integer from 1 to " + std::to_string(kMaxRepeat);
      break;
    default: ok = true;
  }
  if (!ok) throw ScenarioError(path, "expected " + want + ", got " + show(v));
}

struct Ref {
  json value;
  std::vector<std::string> kinds;
  Path path;
  std::optional<std::string> end;   // fd end
  std::optional<std::string> prop;  // observe property
};

class Walker {
 public:
  std::set<std::string> needs;

  json steps(const json& raw, const Path& path, const std::string& where, bool in_except = false) {
    if (!raw.is_array()) throw ScenarioError(path, "expected a list of steps");
    json out = json::array();
    for (std::size_t i = 0; i < raw.size(); ++i) out.push_back(step(raw[i], path + i, where, in_except));
    return out;
  }

  void resolve() {
    for (const auto& [cid, has_do, path] : callback_uses_)
      if (has_do) define(cid, "callback", path);
    for (const auto& [cid, has_do, path] : callback_uses_) {
      auto it = defs_.find(cid);
      if (!has_do && (it == defs_.end() || it->second.first != "callback"))
        throw ScenarioError(path, "done callback '" + cid +
                                      "' is never defined (the first add_done_callback of an id gives `do`)");
    }
    for (const Ref& r : refs_) {
      auto it = r.value.is_string() ? defs_.find(r.value.get<std::string>()) : defs_.end();
      if (it == defs_.end()) throw ScenarioError(r.path, "unknown id " + show(r.value));
      const std::string& kind = it->second.first;
      if (std::find(r.kinds.begin(), r.kinds.end(), kind) == r.kinds.end())
        throw ScenarioError(r.path, "'" + r.value.get<std::string>() + "' is a " + kind + "; expected " +
                                        join(r.kinds, " or "));
      if (r.end) {
        auto ends = fd_ends(kind);
        if (std::find(ends.begin(), ends.end(), *r.end) == ends.end())
          throw ScenarioError(r.path, "a " + kind + " has ends " + join(ends, " and "));
      }
      if (r.prop) {
        const auto& props = object_properties(kind);
        if (std::find(props.begin(), props.end(), *r.prop) == props.end())
          throw ScenarioError(r.path, "a " + kind + " has no property '" + *r.prop + "' (properties: " +
                                          join(props, ", ") + ")");
      }
    }
  }

 private:
  json step(const json& raw, const Path& path, const std::string& where, bool in_except) {
    std::string name;
    json args;
    if (raw.is_string()) {
      name = raw.get<std::string>();
    } else if (raw.is_object() && raw.size() == 1) {
      name = raw.begin().key();
      args = raw.begin().value();
    } else {
      throw ScenarioError(path, "a step is an operation name or a mapping with exactly one key (the "
                                "operation), got " + show(raw));
    }
    const OpSpec* op = find_op(name);
    if (op == nullptr) throw ScenarioError(path, "unknown operation '" + name + "'");
    const Path fpath = path + name;
    json fields = json::object();
    if (args.is_null()) {
      // a bare name, or `op:` with no value: no fields
    } else if (args.is_object()) {
      fields = args;
    } else if (!op->primary.empty()) {
      fields[op->primary] = args;
    } else {
      std::string names = join(field_names(*op), ", ");
      throw ScenarioError(fpath, name + " takes a mapping of fields (" + (names.empty() ? "none" : names) +
                                     "), got " + show(args));
    }
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      if (op->field(it.key()) == nullptr) {
        std::string names = join(field_names(*op), ", ");
        throw ScenarioError(fpath + it.key(), "unknown field '" + it.key() + "' for " + name + " (fields: " +
                                                  (names.empty() ? "none" : names) + ")");
      }
    }
    for (const std::string& key : op->required)
      if (!fields.contains(key)) throw ScenarioError(fpath, name + " needs field '" + key + "'");
    if (op->where == Where::task && where != "task")
      throw ScenarioError(fpath, name + " is only allowed in a task body");
    if (op->where == Where::except && !in_except)
      throw ScenarioError(fpath, name + " is only allowed inside an except clause");
    needs.insert(op->needs.begin(), op->needs.end());
    json out = json::object();
    out["op"] = name;
    for (const Field& f : op->fields) {
      if (fields.contains(f.name))
        out[f.name] = field(f, fields[f.name], fpath + f.name, where, in_except);
    }
    extra_checks(name, fields, fpath);
    return out;
  }

  void extra_checks(const std::string& name, const json& fields, const Path& fpath) {
    if (name == "run_until_complete") {
      if (fields.contains("target") == fields.contains("body"))
        throw ScenarioError(fpath, "run_until_complete takes a target id or a body");
      if (fields.contains("body")) needs.insert("tasks");
    }
    if (name == "set_exception_handler") {
      if ((fields["mode"] == "raise") != fields.contains("type"))
        throw ScenarioError(fpath, "set_exception_handler: `type` is given exactly when mode is raise");
      if (fields.contains("message") && !fields.contains("type"))
        throw ScenarioError(fpath, "`message` goes with `type`");
    }
    if (name == "set_debug" && fields["enabled"] == true) needs.insert("debug");
    if (name == "add_done_callback" && fields["id"].is_string())
      callback_uses_.emplace_back(fields["id"].get<std::string>(), fields.contains("do"), fpath + "id");
    if (name == "observe") observe(fields["what"], fpath + "what");
    if (name == "await" || name == "uncancel") needs.insert("tasks");
  }

  json field(const Field& f, const json& value, const Path& path, const std::string& where, bool in_except) {
    switch (f.type) {
      case FieldType::steps: return steps(value, path, where, in_except);
      case FieldType::callback_steps: return steps(value, path, "callback");
      case FieldType::thread_steps: return steps(value, path, "thread");
      case FieldType::body: return steps(value, path, "task");
      case FieldType::handlers: return handlers(value, path, where);
      case FieldType::id: define(value, f.kinds[0], path); break;
      case FieldType::ref: refs_.push_back({value, f.kinds, path, std::nullopt, std::nullopt}); break;
      case FieldType::refs:
        if (!value.is_array() || value.empty())
          throw ScenarioError(path, "expected a non-empty list of ids, got " + show(value));
        for (std::size_t i = 0; i < value.size(); ++i)
          refs_.push_back({value[i], f.kinds, path + i, std::nullopt, std::nullopt});
        break;
      case FieldType::callback_id:
        if (!value.is_string() || !is_id(value.get<std::string>()))
          throw ScenarioError(path, show(value) + " is not an id");
        break;
      case FieldType::fd: {
        auto fd = value.is_string() ? parse_fd(value.get<std::string>()) : std::nullopt;
        if (!fd) throw ScenarioError(path, show(value) + " is not an fd reference like p.r");
        refs_.push_back({fd->first, {"pipe", "socketpair"}, path, fd->second, std::nullopt});
        break;
      }
      case FieldType::expr:
        if (!value.is_string() || !parse_expr(value.get<std::string>()))
          throw ScenarioError(path, show(value) + " is not an observe expression");
        break;
      default: check_type(f.type, value, path);
    }
    return value;
  }

  json handlers(const json& raw, const Path& path, const std::string& where) {
    if (!raw.is_array() || raw.empty())
      throw ScenarioError(path, "except is a non-empty list of {type, do} clauses");
    json out = json::array();
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const json& h = raw[i];
      const Path p = path + i;
      if (!h.is_object()) throw ScenarioError(p, "an except clause is a mapping {type, do}");
      for (auto it = h.begin(); it != h.end(); ++it)
        if (it.key() != "type" && it.key() != "do")
          throw ScenarioError(p + it.key(), "unknown field '" + it.key() + "' (type, do)");
      json types = h.contains("type") ? h["type"] : json(nullptr);
      if (!types.is_array()) types = json::array({types});
      for (const json& t : types) check_type(FieldType::errtype, t, p + "type");
      json body = h.contains("do") ? h["do"] : json::array();
      out.push_back({{"type", types}, {"do", steps(body, p + "do", where, true)}});
    }
    return out;
  }

  void define(const json& value, const std::string& kind, const Path& path) {
    if (!value.is_string() || !is_id(value.get<std::string>()))
      throw ScenarioError(path, show(value) + " is not an id (letters, digits, _)");
    const std::string id = value.get<std::string>();
    auto it = defs_.find(id);
    if (it != defs_.end()) {
      std::string where;
      for (const auto& part : it->second.second) where += "/" + part;
      throw ScenarioError(path, "id '" + id + "' is already defined at " + where);
    }
    defs_[id] = {kind, path};
  }

  void observe(const json& expr, const Path& path) {
    auto parsed = parse_expr(expr.get<std::string>());
    const auto& [obj, prop] = *parsed;
    if (obj.empty()) {
      const auto& props = loop_properties();
      if (std::find(props.begin(), props.end(), prop) == props.end())
        throw ScenarioError(path, "unknown loop property '" + prop + "' (properties: " + join(props, ", ") + ")");
      const std::string need = property_needs(prop);
      if (!need.empty()) needs.insert(need);
      return;
    }
    refs_.push_back({obj, observable_kinds(), path, std::nullopt, prop});
  }

  std::map<std::string, std::pair<std::string, Path>> defs_;
  std::vector<Ref> refs_;
  std::vector<std::tuple<std::string, bool, Path>> callback_uses_;
};

}  // namespace

ProgramCheck validate_program(const json& program) {
  Walker walker;
  ProgramCheck out;
  out.program = walker.steps(program, {"program"}, "top");
  walker.resolve();
  out.needs = std::move(walker.needs);
  return out;
}

}  // namespace loopcheck::aio_adapter
