// Scenario validation: metadata, the shape of `expect`, and `needs` (see validate.h).
#include "validate.h"

#include <algorithm>
#include <map>
#include <optional>

#include "model.h"
#include "validate_program.h"

namespace loopcheck::aio_adapter {

using json = nlohmann::json;
using Path = std::vector<std::string>;

namespace {

const std::set<std::string> kTopKeys{"id", "title", "rules", "doc", "level", "since", "until", "needs",
                                     "tags", "timeout", "program", "expect", "notes"};
const std::vector<std::string> kRequiredTop{"id", "title", "rules", "level", "program", "expect"};

void check_metadata(const json& sc) {
  if (!sc["id"].is_string() || !is_scenario_id(sc["id"].get<std::string>()))
    throw ScenarioError({"id"}, "id is \"area/name\" in lower case letters, digits and _");
  if (!sc["title"].is_string() || sc["title"].get<std::string>().empty())
    throw ScenarioError({"title"}, "title is a non-empty string");
  const json& rules = sc["rules"];
  if (!rules.is_array() || rules.empty())
    throw ScenarioError({"rules"}, "rules is a non-empty list of rule IDs like ORD-01");
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (!rules[i].is_string() || !is_rule_id(rules[i].get<std::string>()))
      throw ScenarioError({"rules", std::to_string(i)}, show(rules[i]) + " is not a rule ID like ORD-01");
  if (sc["level"] != "documented" && sc["level"] != "reference")
    throw ScenarioError({"level"}, "level is one of documented, reference");
  if (sc["level"] == "documented" && !sc.contains("doc"))
    throw ScenarioError({"doc"}, "a documented scenario cites its doc sentence (doc:)");
  if (sc.contains("doc")) {
    const json& doc = sc["doc"];
    if (!doc.is_object()) throw ScenarioError({"doc"}, "doc is a mapping {source, section, text}");
    for (auto it = doc.begin(); it != doc.end(); ++it)
      if (it.key() != "source" && it.key() != "section" && it.key() != "text")
        throw ScenarioError({"doc", it.key()}, "unknown key '" + it.key() + "' (source, section, text)");
    for (const char* k : {"source", "section", "text"})
      if (!doc.contains(k) || !doc[k].is_string() || doc[k].get<std::string>().empty())
        throw ScenarioError({"doc", k}, std::string("doc.") + k + " is a non-empty string");
  }
  for (const char* k : {"since", "until"})
    if (sc.contains(k) && (!sc[k].is_string() || !is_version(sc[k].get<std::string>())))
      throw ScenarioError({k}, std::string(k) + " is a quoted Python version like \"3.8\" or \"3.4.4\"");
  if (sc.contains("needs")) {
    const json& needs = sc["needs"];
    if (!needs.is_array()) throw ScenarioError({"needs"}, "needs is a list of capabilities");
    const auto& caps = all_capabilities();
    for (std::size_t i = 0; i < needs.size(); ++i)
      if (!needs[i].is_string() || std::find(caps.begin(), caps.end(), needs[i].get<std::string>()) == caps.end())
        throw ScenarioError({"needs", std::to_string(i)},
                            "unknown capability " + show(needs[i]) + " (capabilities: " + join(caps, ", ") + ")");
  }
  if (sc.contains("tags")) {
    const json& tags = sc["tags"];
    if (!tags.is_array() || !std::all_of(tags.begin(), tags.end(), [](const json& t) { return t.is_string(); }))
      throw ScenarioError({"tags"}, "tags is a list of strings");
  }
  if (sc.contains("timeout") && sc["timeout"] != "short" && sc["timeout"] != "medium" && sc["timeout"] != "long")
    throw ScenarioError({"timeout"}, "timeout is one of short, medium, long");
  if (sc.contains("notes") && !sc["notes"].is_string()) throw ScenarioError({"notes"}, "notes is a string");
}

bool uses_logs(const json& v) {
  if (v.is_object()) {
    if (v.contains("log")) return true;
    return std::any_of(v.begin(), v.end(), [](const json& c) { return uses_logs(c); });
  }
  if (v.is_array()) return std::any_of(v.begin(), v.end(), [](const json& c) { return uses_logs(c); });
  return false;
}

void check_expect_shape(const json& expect) {
  if (!expect.is_object()) throw ScenarioError({"expect"}, "expect is a mapping {trace, final}");
  for (auto it = expect.begin(); it != expect.end(); ++it)
    if (it.key() != "trace" && it.key() != "final")
      throw ScenarioError({"expect", it.key()}, "unknown key '" + it.key() + "' (trace, final)");
  if (!expect.contains("trace")) throw ScenarioError({"expect"}, "missing key 'trace'");
  if (!expect["trace"].is_array()) throw ScenarioError({"expect", "trace"}, "trace is a list of items");
  if (expect.contains("final")) {
    const json& final = expect["final"];
    if (!final.is_object()) throw ScenarioError({"expect", "final"}, "final is a mapping {running, closed}");
    for (auto it = final.begin(); it != final.end(); ++it) {
      if (it.key() != "running" && it.key() != "closed")
        throw ScenarioError({"expect", "final", it.key()}, "unknown key '" + it.key() + "' (running, closed)");
      if (!it.value().is_boolean())
        throw ScenarioError({"expect", "final", it.key()}, "expected true or false, got " + show(it.value()));
    }
  }
}

}  // namespace

std::string ScenarioError::where() const {
  std::string out;
  for (const auto& part : path_) out += "/" + part;
  return out.empty() ? "/" : out;
}

json validate_scenario(const json& sc) {
  if (!sc.is_object()) throw ScenarioError({}, "a scenario is a mapping");
  for (auto it = sc.begin(); it != sc.end(); ++it)
    if (!kTopKeys.count(it.key()))
      throw ScenarioError({it.key()}, "unknown key '" + it.key() + "' (keys: " +
                                          join(std::vector<std::string>(kTopKeys.begin(), kTopKeys.end()), ", ") + ")");
  for (const std::string& key : kRequiredTop)
    if (!sc.contains(key)) throw ScenarioError({}, "missing key '" + key + "'");
  check_metadata(sc);
  ProgramCheck walker = validate_program(sc["program"]);
  check_expect_shape(sc["expect"]);
  if (uses_logs(sc["expect"]["trace"])) walker.needs.insert("logs");
  std::set<std::string> declared;
  for (const json& n : sc.value("needs", json::array())) declared.insert(n.get<std::string>());
  std::vector<std::string> missing;
  for (const std::string& n : walker.needs)
    if (!declared.count(n)) missing.push_back(n);
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "'" : ", '") + m + "'";
    throw ScenarioError({"needs"}, "the program uses " + join(missing, ", ") + ": add [" + list + "] to needs");
  }
  json out = sc;
  out["program"] = std::move(walker.program);
  if (!out.contains("needs")) out["needs"] = json::array();
  if (!out.contains("timeout")) out["timeout"] = "short";
  return out;
}

}  // namespace loopcheck::aio_adapter
