#include "loopcheck/generate/regression.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "loopcheck/generate/compare.h"
#include "loopcheck/model.h"
#include "loopcheck/validate.h"
#include "loopcheck/yaml_loader.h"

namespace loopcheck::gen {
namespace {

std::string glob_escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '*' || ch == '?' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

// A message as a glob: the callback repr after a known prefix becomes `*`.
std::string message_glob(const std::string& message) {
  std::string n = normalize_message(message);
  if (n != message) return glob_escape(n.substr(0, n.size() - 1)) + "*";
  return glob_escape(message);
}

Json exception_item(const Json& e) {
  if (!e.is_object()) return e;
  return {{"type", e.value("type", "")}, {"message", glob_escape(e.value("message", ""))}};
}

Json item_of(const Json& ev) {
  const std::string kind = ev.value("kind", "");
  Json fields = Json::object();
  if (kind == "record") {
    fields["name"] = ev["name"];
    if (ev.contains("value")) fields["value"] = ev["value"];
  } else if (kind == "value") {
    fields["name"] = ev["name"];
    fields["value"] = ev["value"].is_object() ? exception_item(ev["value"]) : ev["value"];
  } else if (kind == "error") {
    fields = {{"step", ev["step"]}, {"type", ev["type"]}, {"message", glob_escape(ev.value("message", ""))}};
  } else if (kind == "caught") {
    fields = {{"type", ev["type"]}, {"message", glob_escape(ev.value("message", ""))}};
  } else if (kind == "handler") {
    fields = {{"message", message_glob(ev.value("message", ""))}, {"keys", ev["keys"]},
              {"exception", exception_item(ev["exception"])}};
  } else if (kind == "log") {
    fields = {{"level", ev["level"]}, {"message", message_glob(ev.value("message", ""))}};
  } else {
    fields["message"] = message_glob(ev.value("message", ""));
  }
  Json item = {{kind, fields}};
  if (ev.contains("t") && ev["t"].is_number()) item["at"] = ev["t"];
  return item;
}

// Python's float repr, with ".0" before an exponent that has no point (PyYAML reads
// "1e-05" as a string).
std::string yaml_float(double d) {
  std::string s = py_float_repr(d);
  const auto e = s.find('e');
  if (e != std::string::npos && s.find('.') == std::string::npos) s.insert(e, ".0");
  return s;
}

bool plain_ok(const std::string& s) {
  if (s.empty() || !model::is_id(s)) return false;
  static const char* kWords[] = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "True", "False",
                                 "Null", "NULL", "TRUE", "FALSE", "Yes", "No", "On", "Off"};
  for (const char* w : kWords)
    if (s == w) return false;
  return true;
}

void emit(YAML::Emitter& out, const Json& v, int depth, bool flow_children) {
  if (v.is_object()) {
    if (depth > 0 && flow_children) out << YAML::Flow;
    out << YAML::BeginMap;
    for (auto it = v.begin(); it != v.end(); ++it) {
      out << YAML::Key << it.key() << YAML::Value;
      emit(out, it.value(), depth + 1, flow_children || it.key() == "program" || it.key() == "trace" || it.key() == "final");
    }
    out << YAML::EndMap;
  } else if (v.is_array()) {
    if (depth > 1 && flow_children) out << YAML::Flow;
    if (v.empty()) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const auto& x : v) emit(out, x, depth + 1, flow_children || depth == 0);
    out << YAML::EndSeq;
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (plain_ok(s)) out << s;
    else out << YAML::DoubleQuoted << s;
  } else if (v.is_boolean()) {
    out << YAML::TrueFalseBool << v.get<bool>();
  } else if (v.is_null()) {
    out << YAML::Null;
  } else if (v.is_number_float()) {
    out << yaml_float(v.get<double>());
  } else {
    out << v.dump();
  }
}

}  // namespace

std::string regression_name(const std::string& text) {
  std::string out;
  for (char ch : text) {
    const char c = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') out += c;
    else if (!out.empty() && out.back() != '_') out += '_';
    if (out.size() >= 60) break;
  }
  return out.empty() ? "generated" : out;
}

Json expect_from_result(const Json& result) {
  Json trace = Json::array();
  if (result.contains("trace") && result["trace"].is_array())
    for (const auto& ev : result["trace"]) trace.push_back(item_of(ev));
  Json e = {{"trace", trace}};
  if (result.contains("final") && result["final"].is_object()) e["final"] = result["final"];
  return e;
}

std::string regression_yaml(const Json& scenario, const Json& right_result, const RegressionInfo& info) {
  Json sc = Json::object();
  sc["id"] = "regressions/" + info.name;
  sc["title"] = info.title.empty() ? scenario.value("title", "generated") : info.title;
  sc["rules"] = info.rules.empty() ? scenario["rules"] : Json(info.rules);
  sc["level"] = "reference";
  Json expect = expect_from_result(right_result);
  Json needs = scenario.contains("needs") ? scenario["needs"] : Json::array();
  bool logs = false;
  for (const auto& item : expect["trace"]) logs = logs || item.contains("log");
  if (logs && std::find(needs.begin(), needs.end(), Json("logs")) == needs.end()) needs.push_back("logs");
  if (!needs.empty()) sc["needs"] = needs;
  if (!info.notes.empty()) sc["notes"] = info.notes;
  sc["program"] = scenario["program"];
  sc["expect"] = std::move(expect);
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, sc, 0, false);
  std::string text = std::string(out.c_str()) + "\n";
  try {
    LoadedYaml y = load_yaml_text(text, info.name + ".yaml");
    validate_scenario(y.data);
    if (y.data["program"].dump() != sc["program"].dump() && y.data["program"] != sc["program"])
      throw std::runtime_error("the program does not read back the same: " + y.data["program"].dump() + " vs " +
                               sc["program"].dump());
  } catch (const ScenarioError& e) {
    throw std::runtime_error("regression writer: " + e.where() + ": " + e.message() + "\n" + text);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("regression writer: ") + e.what() + "\n" + text);
  }
  return text;
}

std::string write_regression(const std::string& dir, const Json& scenario, const Json& right_result,
                             const RegressionInfo& info) {
  const std::string text = regression_yaml(scenario, right_result, info);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());
  const std::string path = dir + "/" + info.name + ".yaml";
  std::ofstream f(path);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + path);
  return path;
}

}  // namespace loopcheck::gen
