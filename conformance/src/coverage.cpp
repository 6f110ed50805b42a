#include "loopcheck/coverage.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "loopcheck/model.h"
#include "loopcheck/yaml_loader.h"

namespace loopcheck {

std::vector<CatalogueRule> load_catalogue(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot read the rule catalogue");
  static const std::regex rule_re(R"(^\*\*([A-Z]{2,4}-[0-9]{2})\*\*\s*(.*)$)");
  std::vector<CatalogueRule> out;
  std::set<std::string> seen;
  std::string line;
  while (std::getline(f, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, rule_re) || !seen.insert(m[1]).second) continue;
    std::string s = m[2];
    auto dot = s.find(". ");
    if (dot != std::string::npos) s = s.substr(0, dot);
    if (s.size() > 110) s = s.substr(0, 107) + "...";
    out.push_back({m[1], s});
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
