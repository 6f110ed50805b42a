#include "loopcheck/coverage.h"

#include <fstream>
#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <stdexcept>

#include "loopcheck/model.h"
#include "loopcheck/yaml_loader.h"

namespace loopcheck {

namespace {

// The ID of a catalogue line "**ABC-12** text" (two to four capitals, two digits), or "".
std::string rule_heading_id(const std::string& line) {
  if (line.rfind("**", 0) != 0) return "";
  std::size_t i = 2;
  while (i < line.size() && i < 6 && std::isupper(static_cast<unsigned char>(line[i]))) ++i;
  const std::size_t letters = i - 2;
  if (letters < 2 || line.size() < i + 5 || line[i] != '-' ||
      !std::isdigit(static_cast<unsigned char>(line[i + 1])) ||
      !std::isdigit(static_cast<unsigned char>(line[i + 2])) || line.compare(i + 3, 2, "**") != 0)
    return "";
  return line.substr(2, letters + 3);
}

}  // namespace

std::vector<CatalogueRule> load_catalogue(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot read the rule catalogue");
  std::vector<CatalogueRule> out;
  std::set<std::string> seen;
  std::string line;
  while (std::getline(f, line)) {
    const std::string id = rule_heading_id(line);  // **ORD-01** text
    if (id.empty() || !seen.insert(id).second) continue;
    std::string s = line.substr(id.size() + 4);
    if (!s.empty() && s.back() == '\r') s.pop_back();  // a CRLF file
    s.erase(0, std::min(s.size(), s.find_first_not_of(" \t\r\n\f\v")));
    auto dot = s.find(". ");
    if (dot != std::string::npos) s = s.substr(0, dot);
    if (s.size() > 110) s = s.substr(0, 107) + "...";
    out.push_back({id, s});
  }
  return out;
}

Coverage compute_coverage(const Corpus& corpus, const std::vector<CatalogueRule>& catalogue,
                          const std::string& reasons_path) {
  Coverage c;
  std::map<std::string, std::vector<std::string>> cited;
  for (const auto& sc : corpus.scenarios)
    for (const auto& r : sc.rules) cited[r].push_back(sc.id);
  // Reasons: pattern -> (reason, where)
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> reasons;
  try {
    LoadedYaml y = load_yaml_file(reasons_path);
    if (!y.data.is_object()) throw LoadError(reasons_path + ":1:1: the reasons file is a mapping {RULE or AREA-*: reason}");
    for (const auto& [k, v] : y.data.items()) {
      Mark m = y.positions.at({k});
      std::string where = reasons_path + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
      if (!v.is_string() || v.get<std::string>().empty()) c.problems.push_back(where + ": the reason for " + k + " is a non-empty string");
      else reasons.push_back({k, {v.get<std::string>(), where}});
    }
  } catch (const LoadError& e) {
    c.problems.push_back(e.what());
  }
  const bool reasons_read = c.problems.empty();
  std::set<std::string> used;
  for (const auto& rule : catalogue) {
    RuleCoverage rc{rule, cited.count(rule.id) ? cited[rule.id] : std::vector<std::string>{}, {}};
    if (!rc.scenarios.empty()) {
      ++c.covered;
      for (const auto& [pat, rw] : reasons)
        if (pat == rule.id) c.problems.push_back(rw.second + ": " + rule.id + " has a reason but is covered by " + rc.scenarios[0]);
    } else {
      for (const auto& [pat, rw] : reasons)
        if (filter_match(pat, rule.id)) {
          rc.reason = rw.first;
          used.insert(pat);
          if (pat == rule.id) break;  // an exact entry wins over an area pattern
        }
      if (rc.reason.empty() && reasons_read) c.problems.push_back(rule.id + " (" + rule.summary + ") has no scenario and no reason in " + reasons_path);
    }
    c.rules.push_back(std::move(rc));
  }
  std::set<std::string> known;
  for (const auto& r : catalogue) known.insert(r.id);
  for (const auto& [id, scs] : cited)
    if (!known.count(id)) c.new_rules[id] = scs;
  for (const auto& [pat, rw] : reasons)
    if (!used.count(pat) && pat.find('*') == std::string::npos && !known.count(pat))
      c.problems.push_back(rw.second + ": " + pat + " is not a catalogue rule");
  return c;
}

std::string coverage_text(const Coverage& c, bool verbose) {
  std::ostringstream o;
  const size_t total = c.rules.size();
  o << "catalogue rules: " << total << "; covered by scenarios: " << c.covered << "; not covered: " << total - static_cast<size_t>(c.covered) << "\n";
  o << "\ncovered:\n";
  for (const auto& r : c.rules)
    if (!r.scenarios.empty()) {
      o << "  " << r.rule.id << "  " << r.scenarios.size() << " scenario" << (r.scenarios.size() == 1 ? " " : "s");
      if (verbose) o << ": " << model::join(r.scenarios, ", ");
      else o << "  " << r.rule.summary;
      o << "\n";
    }
  o << "\nnot covered (reason):\n";
  for (const auto& r : c.rules)
    if (r.scenarios.empty()) o << "  " << r.rule.id << "  " << (r.reason.empty() ? "NO REASON GIVEN" : r.reason) << "\n";
  if (!c.new_rules.empty()) {
    o << "\ncited by scenarios but not in the catalogue (new rule IDs):\n";
    for (const auto& [id, scs] : c.new_rules) o << "  " << id << "  " << model::join(scs, ", ") << "\n";
  }
  if (!c.problems.empty()) {
    o << "\nproblems:\n";
    for (const auto& p : c.problems) o << "  " << p << "\n";
  }
  return o.str();
}

}  // namespace loopcheck
