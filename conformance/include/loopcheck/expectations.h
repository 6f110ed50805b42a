// Expectations files: the known differences of one implementation
// (conformance/expectations/<implementation>.yaml), each with a reason. A scenario listed
// there that fails as listed is XFAIL; one that passes is XPASS (unexpected: the entry is
// stale). Format:
//
//   implementation: uvloop
//   entries:
//     - scenario: stop/stop_finishes_current_batch
//       status: FAIL              # optional, default FAIL (also ERROR, CRASH, TIMEOUT)
//       adapters: [uvloop]        # optional: only for these adapter names
//       reason: uvloop runs callbacks scheduled by the batch that called stop() (RUN-02)
//
// A bad file never stops a run: its problems are reported with file:line:column, and the
// entries that could be read still apply.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "loopcheck/scenario.h"

namespace loopcheck {

struct ExpectedDifference {
  std::string scenario;
  std::string status = "FAIL";
  std::vector<std::string> adapters;  // empty: every adapter of this implementation
  std::string reason;
  std::string where;  // file:line:column of the entry
};

struct Expectations {
  std::string path;
  std::string implementation;
  std::vector<ExpectedDifference> entries;
  std::vector<std::string> errors;  // "file:line:column: problem"

  // The entry for a scenario on an adapter, or null.
  const ExpectedDifference* find(const std::string& scenario, const std::string& adapter) const;
  // Entries naming scenarios that are not in the corpus become errors.
  void check_against(const Corpus& corpus);
};

// Reads the file; a missing file is an empty set (no error) unless `must_exist`. Messages
// name the file as `display` (default: `path`).
Expectations load_expectations(const std::string& path, bool must_exist = false,
                               const std::string& display = "");
std::string expectations_path(const std::string& root, const std::string& implementation);

// Applies an entry to a checked status: FAIL as listed -> XFAIL, PASS -> XPASS.
std::string apply_expectation(const std::string& checked, const ExpectedDifference* entry);

}  // namespace loopcheck
