// `loopcheck coverage`: the catalogue's rule IDs (conformance/spec/asyncio-rules.md) against
// the scenarios that cite them. Every rule no scenario covers needs a reason in the reasons
// file (conformance/coverage-reasons.yaml: a rule ID or an area pattern like `TRN-*`,
// mapped to one line of text).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "loopcheck/scenario.h"

namespace loopcheck {

struct CatalogueRule {
  std::string id;
  std::string summary;  // the rule's first sentence
};

// Reads the rules (`**ORD-01** ...` paragraphs); throws std::runtime_error if unreadable.
std::vector<CatalogueRule> load_catalogue(const std::string& path);

struct RuleCoverage {
  CatalogueRule rule;
  std::vector<std::string> scenarios;  // ids citing it
  std::string reason;                  // why uncovered (from the reasons file)
};

struct Coverage {
  std::vector<RuleCoverage> rules;  // catalogue order
  std::map<std::string, std::vector<std::string>> new_rules;  // cited but not in the catalogue
  std::vector<std::string> problems;  // uncovered without reason, stale reasons, bad file
  int covered = 0;
};

Coverage compute_coverage(const Corpus& corpus, const std::vector<CatalogueRule>& catalogue,
                          const std::string& reasons_path);
std::string coverage_text(const Coverage& c, bool verbose);

}  // namespace loopcheck
