// Scenario files: discovery, loading (YAML -> JSON -> validation), and the metadata the
// runner and the reports use. An invalid file is kept, with its error, so that it is
// reported as ERROR while the rest of the corpus runs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "loopcheck/json.h"
#include "loopcheck/validate.h"

namespace loopcheck {

struct Scenario {
  std::string file;  // as displayed: relative to the repository root when inside it
  std::string id;    // the scenario's id; for an invalid file, "area/name" from its path
  Json raw;          // the file's content as JSON (null if it could not be read)
  std::string error;  // "file:line:column: id: problem" when invalid
  std::optional<Validated> valid;

  // Metadata (valid scenarios; best effort for invalid ones).
  std::string title, level, timeout = "short", since, until;
  std::vector<std::string> rules, needs, tags;
  Json doc;  // {source, section, text} or null

  bool ok() const { return valid.has_value(); }
  double deadline() const;  // real seconds for the timeout class
};

// Loads and validates one file. `display` is the name used in messages.
Scenario load_scenario(const std::string& path, const std::string& display);

// *.yaml files under `dir` (recursively) or the file itself, sorted by path.
std::vector<std::string> find_scenario_files(const std::string& path);

struct Corpus {
  std::vector<Scenario> scenarios;  // sorted by id
  std::vector<std::string> problems;  // corpus-level: duplicate ids, id not matching the path
};

// Loads every scenario under `paths` (files or directories); names are shown relative to
// `root`.
Corpus load_corpus(const std::vector<std::string>& paths, const std::string& root);

// Python version strings ("3.11", "3.4.4") compared numerically: -1, 0, 1.
int compare_versions(const std::string& a, const std::string& b);

// Why an adapter with these capabilities and asyncio version does not run the scenario, or
// empty (PROTOCOL.md: capabilities and since/until decide SKIP).
std::string skip_reason(const Scenario& sc, const std::vector<std::string>& capabilities,
                        const std::string& asyncio_version);

// fnmatch-style glob (`*` matches `/` too) used by --filter.
bool filter_match(const std::string& glob, const std::string& text);

std::string relative_to(const std::string& path, const std::string& root);

// The doc-quote lint: empty if doc.text occurs in doc.source (a seed in ../shared/seeds or
// the catalogue), whitespace and markup folded as run_corpus.py --lint does; else why not.
std::string lint_doc(const Scenario& sc, const std::string& root, std::map<std::string, std::string>& cache);
std::string fold_doc_text(std::string text);

}  // namespace loopcheck
