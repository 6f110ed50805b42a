#include "loopcheck/expect.h"

#include "loopcheck/model.h"

namespace loopcheck {

const std::vector<EventKind>& event_kinds() {
  static const std::vector<EventKind> kinds = {
      {"record", {"name", "value"}, "name"},
      {"value", {"name", "value"}, "name"},
      {"error", {"step", "type", "message"}, "type"},
      {"caught", {"type", "message"}, "type"},
      {"handler", {"message", "exception", "keys"}, "message"},
      {"log", {"level", "message"}, "message"},
      // language 1.1
      {"repr", {"name", "message"}, "message"},
      {"factory", {"context"}, "context"},
  };
  return kinds;
}

namespace {

const EventKind* find_kind(const std::string& k) {
  for (const auto& e : event_kinds())
    if (e.kind == k) return &e;
  return nullptr;
}

bool is_group(const std::string& k) { return k == "sequence" || k == "unordered"; }

Path child(Path p, std::string k) {
  p.push_back(std::move(k));
  return p;
}

bool is_exc(const Json& v) {
  if (!v.is_object() || !v.contains("type")) return false;
  for (const auto& [k, x] : v.items())
    if ((k != "type" && k != "message") || !x.is_string()) return false;
  return true;
}

bool is_value(const Json& v) { return is_scalar(v) || is_exc(v); }

void check_field(const std::string& key, const Json& v, const Path& path) {
  if (key == "value") {
    bool ok = is_value(v);
    if (!ok && v.is_array()) {  // 1.1: gather's results
      ok = true;
      for (const auto& x : v) ok = ok && is_value(x);
    }
    if (!ok) throw ScenarioError(path, "value is a JSON scalar, {type, message}, or a list of those");
  } else if (key == "context") {
    if (!v.is_boolean()) throw ScenarioError(path, "context is true or false");
  } else if (key == "exception") {
    if (!v.is_null() && !is_exc(v))
      throw ScenarioError(path, "exception is null or {type, message}");
  } else if (key == "keys") {
    bool ok = v.is_array();
    if (ok)
      for (const auto& x : v) ok = ok && x.is_string();
    if (!ok) throw ScenarioError(path, "keys is a list of strings");
  } else if (key == "level") {
    if (!(v == "WARNING" || v == "ERROR" || v == "CRITICAL"))
      throw ScenarioError(path, "level is one of WARNING, ERROR, CRITICAL");
  } else if (!v.is_string()) {
    throw ScenarioError(path, key + " is a string");
  }
}

std::unique_ptr<Item> group(const std::string& kind, const Json& raw, const Path& path);

std::unique_ptr<Item> item(const Json& raw, const Path& path) {
  if (!raw.is_object()) throw ScenarioError(path, "an expected item is a mapping like {record: a}");
  std::vector<std::string> kinds;
  for (const auto& [k, v] : raw.items())
    if (find_kind(k) || is_group(k)) kinds.push_back(k);
  if (kinds.size() != 1)
    throw ScenarioError(path, "an expected item has exactly one of the keys record, value, error, "
                              "caught, handler, log, repr, factory, sequence, unordered");
  const std::string kind = kinds[0];
  for (const auto& [k, v] : raw.items())
    if (k != kind && k != "at")
      throw ScenarioError(child(path, k), "unknown key " + py_str_repr(k) + " in a " + kind + " item");
  if (is_group(kind)) {
    if (raw.contains("at")) throw ScenarioError(child(path, "at"), "at goes on event items, not groups");
    return group(kind, raw[kind], child(path, kind));
  }
  auto out = std::make_unique<Item>();
  out->kind = kind;
  if (raw.contains("at")) {
    if (!raw["at"].is_number())
      throw ScenarioError(child(path, "at"), "at is a number of seconds since the start");
    out->at = raw["at"].get<double>();
    out->at_json = raw["at"];
  }
  const EventKind& ek = *find_kind(kind);
  const Json& body = raw[kind];
  if (body.is_object()) {
    out->fields = body;
  } else {
    out->fields = Json::object();
    out->fields[ek.shorthand] = body;
  }
  out->path = child(path, kind);
  for (const auto& [k, v] : out->fields.items()) {
    bool allowed = false;
    for (const auto& f : ek.fields) allowed = allowed || f == k;
    if (!allowed)
      throw ScenarioError(child(out->path, k), "unknown field " + py_str_repr(k) + " for " + kind +
                                                   " (fields: " + model::join(ek.fields, ", ") + ")");
    check_field(k, v, child(out->path, k));
  }
  return out;
}

std::unique_ptr<Item> group(const std::string& kind, const Json& raw, const Path& path) {
  if (!raw.is_array()) throw ScenarioError(path, kind + " is a list of items");
  if (kind == "unordered" && (raw.size() < 2 || raw.size() > kMaxUnordered))
    throw ScenarioError(path, "unordered takes 2 to " + std::to_string(kMaxUnordered) + " items");
  auto out = std::make_unique<Item>();
  out->kind = kind;
  out->is_group = true;
  out->path = path;
  for (size_t i = 0; i < raw.size(); ++i) out->children.push_back(item(raw[i], child(path, std::to_string(i))));
  return out;
}

bool walk_logs(const Item& it) {
  if (it.is_group) {
    for (const auto& c : it.children)
      if (walk_logs(*c)) return true;
    return false;
  }
  return it.kind == "log";
}

}  // namespace

std::string Item::describe() const {
  if (is_group) return kind + " of " + std::to_string(children.size()) + " items";
  std::vector<std::string> parts;
  for (const auto& [k, v] : fields.items()) parts.push_back(k + "=" + py_dumps(v));
  if (at) parts.push_back("at=" + py_number_str(at_json));
  std::string out = kind + " " + model::join(parts, " ");
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool Expectation::uses_logs() const { return trace && walk_logs(*trace); }

Expectation compile_expect(const Json& raw, const Path& path) {
  if (!raw.is_object()) throw ScenarioError(path, "expect is a mapping {trace, final}");
  for (const auto& [k, v] : raw.items())
    if (k != "trace" && k != "final")
      throw ScenarioError(child(path, k), "unknown key " + py_str_repr(k) + " (trace, final)");
  if (!raw.contains("trace"))
    throw ScenarioError(path, "expect needs `trace` (use [] for an empty trace)");
  Expectation out;
  if (raw.contains("final")) {
    const Json& final = raw["final"];
    if (!final.is_object()) throw ScenarioError(child(path, "final"), "final is a mapping {running, closed}");
    for (const auto& [k, v] : final.items()) {
      if (k != "running" && k != "closed")
        throw ScenarioError(child(child(path, "final"), k), "unknown key " + py_str_repr(k) + " (running, closed)");
      if (!v.is_boolean()) throw ScenarioError(child(child(path, "final"), k), "expected true or false");
    }
    out.final = final;
  }
  out.trace = group("sequence", raw["trace"], child(path, "trace"));
  return out;
}

}  // namespace loopcheck
