// Verdicts: the statuses of one scenario run, and how results travel in the canonical
// JSON Lines report (one "run" line of metadata, one "result" line per scenario run, one
// "summary" line).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "loopcheck/json.h"

namespace loopcheck {

// PASS, FAIL, ERROR, CRASH, TIMEOUT, SKIP, XFAIL, XPASS, in report order.
const std::vector<std::string>& all_statuses();
// FAIL, ERROR, CRASH, TIMEOUT and XPASS are unexpected: they make the exit code non-zero.
bool is_unexpected(const std::string& status);

struct ScenarioResult {
  std::string id, file, title, level;
  std::vector<std::string> rules;
  Json doc;                  // {source, section, text} or null
  int repeat = 0;            // 0-based repeat index
  std::uint64_t seed = 0;
  std::string status;        // the verdict, after the expectations file
  std::string checked;       // the verdict before it (FAIL for an XFAIL)
  std::string adapter_status;  // done, skipped, unsupported, invalid, stalled, adapter_error,
                               // or crash, timeout, bad_answer, invalid_file, not_started, harness_skip
  std::vector<std::string> problems;  // why, one line each
  std::string reason;        // the expectations entry's reason, if any
  Json trace = Json::array();
  Json final;                // {running, closed} or null
  Json expect;               // the scenario's expect section as written
  double duration = 0;       // real seconds, as measured by the harness
  std::string fingerprint;   // the adapter's run fingerprint (PROTOCOL.md), or empty
};

Json result_to_json(const ScenarioResult& r);
ScenarioResult result_from_json(const Json& j);

// One run of one adapter over the corpus, as read back from its JSON Lines file.
struct RunRecord {
  Json meta;  // the "run" line
  std::vector<ScenarioResult> results;
  Json summary;  // the "summary" line (null if the file was cut short)
  std::string path;
};

std::string write_jsonl(const RunRecord& run, const std::string& path);  // error or empty
// Reads a JSON Lines report; throws std::runtime_error naming the file and line.
RunRecord read_jsonl(const std::string& path);

std::map<std::string, int> count_statuses(const std::vector<ScenarioResult>& results);

}  // namespace loopcheck
