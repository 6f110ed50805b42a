#include "loopcheck/validate.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "loopcheck/model.h"

namespace loopcheck {
namespace {

using model::show;
using model::join;

Path child(Path p, std::string k) {
  p.push_back(std::move(k));
  return p;
}

bool in_list(const Json& v, const std::vector<std::string>& list) {
  if (!v.is_string()) return false;
  return std::find(list.begin(), list.end(), v.get<std::string>()) != list.end();
}

void check_type(const std::string& ftype, const Json& v, const Path& path) {
  bool ok = false;
  std::string want;
  if (ftype == "number") ok = v.is_number(), want = "a number";
  else if (ftype == "number?") ok = v.is_null() || v.is_number(), want = "a number or null";
  else if (ftype == "int")
    ok = (v.is_number_integer() && v.get<long long>() > 0) ||
         (v.is_number_unsigned() && v.get<unsigned long long>() > 0),
    want = "a positive integer";
  else if (ftype == "string") ok = v.is_string(), want = "a string";
  else if (ftype == "label") ok = v.is_string() && !v.get<std::string>().empty(), want = "a non-empty string";
  else if (ftype == "bool") ok = v.is_boolean(), want = "true or false";
  else if (ftype == "scalar") ok = is_scalar(v), want = "a JSON scalar (number, string, bool, null)";
  else if (ftype == "errtype") ok = model::is_error_type(v), want = "an error type (" + model::error_type_list() + ")";
  else if (ftype == "handler_mode") ok = in_list(v, model::handler_modes()), want = "one of " + join(model::handler_modes(), ", ");
  else if (ftype == "factory_mode") ok = in_list(v, model::factory_modes()), want = "one of " + join(model::factory_modes(), ", ");
  else if (ftype == "count")
    ok = (v.is_number_integer() && v.get<long long>() >= 1 && v.get<long long>() <= kMaxRepeat) ||
         (v.is_number_unsigned() && v.get<unsigned long long>() >= 1 &&
          v.get<unsigned long long>() <= static_cast<unsigned long long>(kMaxRepeat)),
    want = "an integer from 1 to " + std::to_string(kMaxRepeat);
  else throw ScenarioError(path, "internal: unknown field type " + ftype);
  if (!ok) throw ScenarioError(path, "expected " + want + ", got " + show(v));
}

struct Ref {
  Json value;
  std::vector<std::string> kinds;
  Path path;
  std::optional<std::string> end;   // fd references
  std::optional<std::string> prop;  // observe references
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    auto p = s.find(sep, start);
    out.push_back(s.substr(start, p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

class Walker {
 public:
  std::set<std::string> needs;

  Json steps(const Json& raw, const Path& path, const std::string& where, bool in_except = false) {
    if (!raw.is_array()) throw ScenarioError(path, "expected a list of steps");
    Json out = Json::array();
    for (size_t i = 0; i < raw.size(); ++i)
      out.push_back(step(raw[i], child(path, std::to_string(i)), where, in_except));
    return out;
  }

  void resolve() {
    for (const auto& [cid, has_do, path] : callback_uses_)
      if (has_do) define(cid, "callback", path);
    for (const auto& [cid, has_do, path] : callback_uses_) {
      auto it = defs_.find(cid.get<std::string>());
      if (!has_do && (it == defs_.end() || it->second.first != "callback"))
        throw ScenarioError(path, "done callback " + py_repr(cid) +
                                      " is never defined (the first add_done_callback of an id gives `do`)");
    }
    for (const auto& ref : refs_) {
      auto it = ref.value.is_string() ? defs_.find(ref.value.get<std::string>()) : defs_.end();
      if (it == defs_.end()) throw ScenarioError(ref.path, "unknown id " + py_repr(ref.value));
      const std::string& kind = it->second.first;
      if (std::find(ref.kinds.begin(), ref.kinds.end(), kind) == ref.kinds.end())
        throw ScenarioError(ref.path, py_repr(ref.value) + " is a " + kind + "; expected " + join(ref.kinds, " or "));
      if (ref.end) {
        const auto* ends = model::fd_ends(kind);
        if (std::find(ends->begin(), ends->end(), *ref.end) == ends->end())
          throw ScenarioError(ref.path, "a " + kind + " has ends " + join(*ends, " and "));
      }
      if (ref.prop) {
        const auto* props = model::props_of(kind);
        if (std::find(props->begin(), props->end(), *ref.prop) == props->end())
          throw ScenarioError(ref.path, "a " + kind + " has no property " + py_str_repr(*ref.prop) +
                                            " (properties: " + join(*props, ", ") + ")");
      }
    }
  }

 private:
  std::map<std::string, std::pair<std::string, Path>> defs_;  // id -> (kind, path)
  std::vector<Ref> refs_;
  std::vector<std::tuple<Json, bool, Path>> callback_uses_;

  Json step(const Json& raw, const Path& path, const std::string& where, bool in_except) {
    std::string name;
    Json args;
    if (raw.is_string()) {
      name = raw.get<std::string>();
    } else if (raw.is_object() && raw.size() == 1) {
      name = raw.begin().key();
      args = raw.begin().value();
    } else {
      throw ScenarioError(path, "a step is an operation name or a mapping with exactly one key (the operation), got " + show(raw));
    }
    const Op* op = model::find_op(name);
    if (!op) throw ScenarioError(path, "unknown operation " + py_str_repr(name));
    const Path fpath = child(path, name);
    Json fields = Json::object();
    if (args.is_null()) {
    } else if (args.is_object()) {
      fields = args;
    } else if (!op->primary.empty()) {
      fields[op->primary] = args;
    } else {
      throw ScenarioError(fpath, name + " takes a mapping of fields (" + op->field_list() + "), got " + show(args));
    }
    for (const auto& [key, v] : fields.items())
      if (!op->field_type(key))
        throw ScenarioError(child(fpath, key), "unknown field " + py_str_repr(key) + " for " + name +
                                                   " (fields: " + op->field_list() + ")");
    for (const auto& key : op->required)
      if (!fields.contains(key)) throw ScenarioError(fpath, name + " needs field " + py_str_repr(key));

    if (op->where == "task" && where != "task")
      throw ScenarioError(fpath, name + " is only allowed in a task body");
    if (op->where == "except" && !in_except)
      throw ScenarioError(fpath, name + " is only allowed inside an except clause");
    needs.insert(op->needs.begin(), op->needs.end());
    Json out = Json::object();
    out["op"] = name;
    for (const auto& [key, v] : fields.items())
      out[key] = field(*op->field_type(key), v, child(fpath, key), where, in_except);
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
    if (name == "set_debug" && fields["enabled"].get<bool>()) needs.insert("debug");
    if (name == "add_done_callback")
      callback_uses_.emplace_back(fields["id"], fields.contains("do"), child(fpath, "id"));
    if (name == "observe") observe(fields["what"], child(fpath, "what"));
    if (name == "await" || name == "uncancel") needs.insert("tasks");
    return out;
  }

  Json field(const std::string& ftype, const Json& v, const Path& path, const std::string& where,
             bool in_except) {
    if (ftype == model::kSteps) return steps(v, path, where, in_except);
    if (ftype == model::kCallbackSteps) return steps(v, path, "callback");
    if (ftype == model::kThreadSteps) return steps(v, path, "thread");
    if (ftype == model::kBody) return steps(v, path, "task");
    if (ftype == "handlers") return handlers(v, path, where);
    if (ftype.rfind("id:", 0) == 0) {
      define(v, ftype.substr(3), path);
    } else if (ftype.rfind("ref:", 0) == 0) {
      refs_.push_back(Ref{v, split(ftype.substr(4), ','), path, {}, {}});
    } else if (ftype.rfind("refs:", 0) == 0) {
      if (!v.is_array() || v.empty()) throw ScenarioError(path, "expected a non-empty list of ids, got " + show(v));
      for (size_t i = 0; i < v.size(); ++i)
        refs_.push_back(Ref{v[i], split(ftype.substr(5), ','), child(path, std::to_string(i)), {}, {}});
    } else if (ftype == "callback") {
      if (!v.is_string() || !model::is_id(v.get<std::string>()))
        throw ScenarioError(path, py_repr(v) + " is not an id");
    } else if (ftype == "fd") {
      auto fd = model::parse_fd(v);
      if (!fd) throw ScenarioError(path, py_repr(v) + " is not an fd reference like p.r");
      refs_.push_back(Ref{fd->first, {"pipe", "socketpair"}, path, fd->second, {}});
    } else if (ftype == "expr") {
      if (!model::parse_expr(v)) throw ScenarioError(path, py_repr(v) + " is not an observe expression");
    } else {
      check_type(ftype, v, path);
    }
    return v;
  }

  Json handlers(const Json& raw, const Path& path, const std::string& where) {
    if (!raw.is_array() || raw.empty())
      throw ScenarioError(path, "except is a non-empty list of {type, do} clauses");
    Json out = Json::array();
    for (size_t i = 0; i < raw.size(); ++i) {
      const Path p = child(path, std::to_string(i));
      const Json& h = raw[i];
      if (!h.is_object()) throw ScenarioError(p, "an except clause is a mapping {type, do}");
      for (const auto& [k, v] : h.items())
        if (k != "type" && k != "do") throw ScenarioError(child(p, k), "unknown field " + py_str_repr(k) + " (type, do)");
      Json types = h.contains("type") ? h["type"] : Json();
      if (!types.is_array()) types = Json::array({types});
      for (const auto& t : types) check_type("errtype", t, child(p, "type"));
      Json clause = Json::object();
      clause["type"] = types;
      clause["do"] = steps(h.contains("do") ? h["do"] : Json::array(), child(p, "do"), where, true);
      out.push_back(clause);
    }
    return out;
  }

  void define(const Json& v, const std::string& kind, const Path& path) {
    if (!v.is_string() || !model::is_id(v.get<std::string>()))
      throw ScenarioError(path, py_repr(v) + " is not an id (letters, digits, _)");
    const auto id = v.get<std::string>();
    auto it = defs_.find(id);
    if (it != defs_.end())
      throw ScenarioError(path, "id " + py_str_repr(id) + " is already defined at " + path_str(it->second.second));
    defs_[id] = {kind, path};
  }

  void observe(const Json& expr, const Path& path) {
    auto [obj, prop] = *model::parse_expr(expr);
    if (obj.empty()) {
      if (!in_list(Json(prop), model::loop_props()))
        throw ScenarioError(path, "unknown loop property " + py_str_repr(prop) + " (properties: " +
                                      join(model::loop_props(), ", ") + ")");
      const std::string need = model::prop_needs(prop);
      if (!need.empty()) needs.insert(need);
      return;
    }
    refs_.push_back(Ref{obj, {"handle", "timer", "future", "task", "gather"}, path, {}, prop});
  }
};

void metadata(const Json& sc) {
  const Json& id = sc["id"];
  if (!id.is_string() || !model::is_scenario_id(id.get<std::string>()))
    throw ScenarioError({"id"}, "id is \"area/name\" in lower case letters, digits and _");
  const Json& title = sc["title"];
  if (!title.is_string() || title.get<std::string>().empty())
    throw ScenarioError({"title"}, "title is a non-empty string");
  const Json& rules = sc["rules"];
  if (!rules.is_array() || rules.empty())
    throw ScenarioError({"rules"}, "rules is a non-empty list of rule IDs like ORD-01");
  for (size_t i = 0; i < rules.size(); ++i)
    if (!rules[i].is_string() || !model::is_rule_id(rules[i].get<std::string>()))
      throw ScenarioError({"rules", std::to_string(i)}, py_repr(rules[i]) + " is not a rule ID like ORD-01");
  if (!in_list(sc["level"], model::levels()))
    throw ScenarioError({"level"}, "level is one of " + join(model::levels(), ", "));
  const bool has_doc = sc.contains("doc") && !sc["doc"].is_null();
  if (sc["level"] == "documented" && !has_doc)
    throw ScenarioError({"doc"}, "a documented scenario cites its doc sentence (doc:)");
  if (has_doc) {
    const Json& doc = sc["doc"];
    if (!doc.is_object()) throw ScenarioError({"doc"}, "doc is a mapping {source, section, text}");
    for (const auto& [k, v] : doc.items())
      if (k != "source" && k != "section" && k != "text")
        throw ScenarioError({"doc", k}, "unknown key " + py_str_repr(k) + " (source, section, text)");
    for (const char* k : {"source", "section", "text"})
      if (!doc.contains(k) || !doc[k].is_string() || doc[k].get<std::string>().empty())
        throw ScenarioError({"doc", k}, std::string("doc.") + k + " is a non-empty string");
  }
  for (const char* k : {"since", "until"})
    if (sc.contains(k) && (!sc[k].is_string() || !model::is_version(sc[k].get<std::string>())))
      throw ScenarioError({k}, std::string(k) + " is a quoted Python version like \"3.8\" or \"3.4.4\"");
  const Json needs = sc.contains("needs") ? sc["needs"] : Json::array();
  if (!needs.is_array()) throw ScenarioError({"needs"}, "needs is a list of capabilities");
  for (size_t i = 0; i < needs.size(); ++i)
    if (!in_list(needs[i], model::capabilities()))
      throw ScenarioError({"needs", std::to_string(i)}, "unknown capability " + py_repr(needs[i]) +
                                                            " (capabilities: " + join(model::capabilities(), ", ") + ")");
  const Json tags = sc.contains("tags") ? sc["tags"] : Json::array();
  bool tags_ok = tags.is_array();
  if (tags_ok)
    for (const auto& t : tags) tags_ok = tags_ok && t.is_string();
  if (!tags_ok) throw ScenarioError({"tags"}, "tags is a list of strings");
  if (sc.contains("timeout") && !in_list(sc["timeout"], model::timeout_classes()))
    throw ScenarioError({"timeout"}, "timeout is one of " + join(model::timeout_classes(), ", "));
  if (sc.contains("notes") && !sc["notes"].is_string()) throw ScenarioError({"notes"}, "notes is a string");
}

}  // namespace

Validated validate_scenario(const Json& sc) {
  if (!sc.is_object()) throw ScenarioError({}, "a scenario is a mapping");
  for (const auto& [key, v] : sc.items())
    if (!in_list(Json(key), model::top_keys()))
      throw ScenarioError({key}, "unknown key " + py_str_repr(key) + " (keys: " + join(model::top_keys(), ", ") + ")");
  for (const auto& key : model::required_top())
    if (!sc.contains(key)) throw ScenarioError({}, "missing key " + py_str_repr(key));
  metadata(sc);
  Walker w;
  Json program = w.steps(sc["program"], {"program"}, "top");
  w.resolve();
  Validated out{sc, compile_expect(sc["expect"], {"expect"})};
  if (out.expect.uses_logs()) w.needs.insert("logs");
  std::set<std::string> declared;
  if (sc.contains("needs"))
    for (const auto& n : sc["needs"]) declared.insert(n.get<std::string>());
  std::vector<std::string> missing;
  for (const auto& n : w.needs)
    if (!declared.count(n)) missing.push_back(n);
  if (!missing.empty()) {
    std::vector<std::string> quoted;
    for (const auto& m : missing) quoted.push_back(py_str_repr(m));
    throw ScenarioError({"needs"}, "the program uses " + join(missing, ", ") + ": add [" + join(quoted, ", ") + "] to needs");
  }
  out.normalized["program"] = program;
  if (!out.normalized.contains("needs")) out.normalized["needs"] = Json::array();
  if (!out.normalized.contains("timeout")) out.normalized["timeout"] = "short";
  return out;
}

}  // namespace loopcheck
