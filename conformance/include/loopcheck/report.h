// Reports, all derived from the canonical JSON Lines files of the runs (one per adapter,
// in <dir>/runs/<adapter>.jsonl):
//   junit.xml    one testsuite per adapter, one testcase per scenario run (CI)
//   summary.md   counts per adapter, unexpected results, findings by rule, skips
//   index.html   the matrix of scenarios by implementation (rules and doc sentence per row,
//                expected and actual traces side by side for each failure), the findings,
//                and the benchmark chart from <dir>/bench/results.json when present
#pragma once

#include <string>
#include <vector>

#include "loopcheck/results.h"

namespace loopcheck {

// Reads every <dir>/runs/*.jsonl; unreadable files are reported in `errors` and skipped.
std::vector<RunRecord> load_runs(const std::string& dir, std::vector<std::string>& errors);

std::string junit_xml(const std::vector<RunRecord>& runs);
std::string markdown_summary(const std::vector<RunRecord>& runs);
// `bench` is reports/bench/results.json (null if absent).
std::string html_report(const std::vector<RunRecord>& runs, const Json& bench);

// Writes the three derived reports into `dir`; returns problems (empty when all written).
std::vector<std::string> write_reports(const std::string& dir);

// Helpers shared by the report writers.
namespace report {

// Runs in matrix order: native, sim, asyncio, uvloop, then the others by name.
std::vector<const RunRecord*> ordered(const std::vector<RunRecord>& runs);
std::string adapter_name(const RunRecord& run);
std::string implementation_label(const RunRecord& run);  // "uvloop 0.17.0"
// One row of the matrix: a scenario id and, per run, its results (several with --repeat).
struct Row {
  std::string id;
  const ScenarioResult* any = nullptr;  // for metadata (title, level, rules, doc)
  std::vector<std::vector<const ScenarioResult*>> cells;
};
std::vector<Row> matrix(const std::vector<const RunRecord*>& runs);
// The worst status among a cell's results (for --repeat), "" for none.
std::string cell_status(const std::vector<const ScenarioResult*>& cell);
// Findings: results that are not PASS or SKIP (FAIL, XFAIL, ...), for differences by rule.
bool is_finding(const ScenarioResult& r);
std::string doc_text(const ScenarioResult& r);
std::string fmt_seconds(double s);

}  // namespace report
}  // namespace loopcheck
