#include "loopcheck/expectations.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "loopcheck/model.h"
#include "loopcheck/yaml_loader.h"

namespace loopcheck {

const ExpectedDifference* Expectations::find(const std::string& scenario, const std::string& adapter) const {
  for (const auto& e : entries)
    if (e.scenario == scenario &&
        (e.adapters.empty() || std::find(e.adapters.begin(), e.adapters.end(), adapter) != e.adapters.end()))
      return &e;
  return nullptr;
}

void Expectations::check_against(const Corpus& corpus) {
  std::set<std::string> ids;
  for (const auto& s : corpus.scenarios) ids.insert(s.id);
  for (const auto& e : entries)
    if (!ids.count(e.scenario)) errors.push_back(e.where + ": no scenario has the id '" + e.scenario + "'");
}

std::string expectations_path(const std::string& root, const std::string& implementation) {
  return root + "/conformance/expectations/" + implementation + ".yaml";
}

Expectations load_expectations(const std::string& file, bool must_exist, const std::string& display) {
  Expectations out;
  const std::string path = display.empty() ? file : display;
  out.path = path;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (must_exist) out.errors.push_back(path + ": cannot read the file");
    return out;
  }
  LoadedYaml y;
  try {
    y = load_yaml_file(file);
  } catch (const LoadError& e) {
    std::string msg = e.what();
    if (msg.rfind(file, 0) == 0) msg = path + msg.substr(file.size());
    out.errors.push_back(msg);
    return out;
  }
  auto at = [&](const Path& p) {
    Mark m = y.positions.at(p);
    return path + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
  };
  const Json& d = y.data;
  if (!d.is_object()) {
    out.errors.push_back(at({}) + ": an expectations file is a mapping {implementation, entries}");
    return out;
  }
  for (const auto& [k, v] : d.items())
    if (k != "implementation" && k != "entries")
      out.errors.push_back(at({k}) + ": unknown key '" + k + "' (implementation, entries)");
  if (d.contains("implementation") && d["implementation"].is_string())
    out.implementation = d["implementation"].get<std::string>();
  else
    out.errors.push_back(at({"implementation"}) + ": implementation is the implementation's name (a string)");
  const Json entries = d.contains("entries") ? d["entries"] : Json::array();
  if (entries.is_null()) return out;  // `entries:` with nothing under it
  if (!entries.is_array()) {
    out.errors.push_back(at({"entries"}) + ": entries is a list");
    return out;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Path p = {"entries", std::to_string(i)};
    const Json& e = entries[i];
    if (!e.is_object()) {
      out.errors.push_back(at(p) + ": an entry is a mapping {scenario, status, reason}");
      continue;
    }
    ExpectedDifference x;
    x.where = at(p);
    bool ok = true;
    auto bad = [&](const std::string& key, const std::string& msg) {
      out.errors.push_back(at(key.empty() ? p : Path{p[0], p[1], key}) + ": " + msg);
      ok = false;
    };
    for (const auto& [k, v] : e.items())
      if (k != "scenario" && k != "status" && k != "reason" && k != "adapters")
        bad(k, "unknown key '" + k + "' (scenario, status, adapters, reason)");
    if (e.contains("scenario") && e["scenario"].is_string()) x.scenario = e["scenario"].get<std::string>();
    else bad(e.contains("scenario") ? "scenario" : "", "an entry names its scenario id (scenario:)");
    if (e.contains("status")) {
      const Json& s = e["status"];
      if (s == "FAIL" || s == "ERROR" || s == "CRASH" || s == "TIMEOUT") x.status = s.get<std::string>();
      else bad("status", "status is FAIL, ERROR, CRASH or TIMEOUT");
    }
    if (e.contains("adapters")) {
      if (!e["adapters"].is_array()) bad("adapters", "adapters is a list of adapter names");
      else
        for (const auto& a : e["adapters"])
          if (a.is_string()) x.adapters.push_back(a.get<std::string>());
          else bad("adapters", "adapters is a list of adapter names");
    }
    if (e.contains("reason") && e["reason"].is_string() && !e["reason"].get<std::string>().empty())
      x.reason = e["reason"].get<std::string>();
    else bad(e.contains("reason") ? "reason" : "", "every entry gives its reason (reason:)");
    if (ok && !seen.insert(x.scenario + "\n" + model::join(x.adapters, ",")).second)
      bad("scenario", "a second entry for '" + x.scenario + "'");
    if (ok) out.entries.push_back(std::move(x));
  }
  return out;
}

std::string apply_expectation(const std::string& checked, const ExpectedDifference* entry) {
  if (!entry) return checked;
  if (checked == entry->status) return "XFAIL";
  if (checked == "PASS") return "XPASS";
  return checked;  // a different failure than the one listed: unexpected
}

}  // namespace loopcheck
