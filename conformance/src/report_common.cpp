#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "loopcheck/report.h"

namespace fs = std::filesystem;

namespace loopcheck {

std::vector<RunRecord> load_runs(const std::string& dir, std::vector<std::string>& errors) {
  std::vector<RunRecord> runs;
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir + "/runs", ec))
    if (e.path().extension() == ".jsonl") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    try {
      RunRecord r = read_jsonl(f);
      // Shards of one run (--shard K/N) become one column again.
      auto same = std::find_if(runs.begin(), runs.end(), [&](const RunRecord& x) {
        return x.meta.value("adapter", Json()) == r.meta.value("adapter", Json()) &&
               x.meta.value("implementation", Json()) == r.meta.value("implementation", Json()) &&
               x.meta.value("shard", Json()) != r.meta.value("shard", Json());
      });
      if (same == runs.end()) {
        runs.push_back(std::move(r));
        continue;
      }
      for (auto& res : r.results) same->results.push_back(std::move(res));
      std::stable_sort(same->results.begin(), same->results.end(),
                       [](const ScenarioResult& a, const ScenarioResult& b) { return a.id < b.id; });
      if (same->summary.is_object() && r.summary.is_object()) {
        same->summary["counts"] = count_statuses(same->results);
        same->summary["wall_seconds"] = std::max(same->summary.value("wall_seconds", 0.0), r.summary.value("wall_seconds", 0.0));
        for (const auto& e : r.summary.value("errors", Json::array())) same->summary["errors"].push_back(e);
      }
      same->meta["shard"] = "merged";
    } catch (const std::exception& e) {
      errors.push_back(e.what());
    }
  }
  return runs;
}

std::vector<std::string> write_reports(const std::string& dir) {
  std::vector<std::string> problems;
  auto runs = load_runs(dir, problems);
  Json bench;
  const std::string bench_path = dir + "/bench/results.json";
  if (fs::exists(bench_path)) {
    try {
      std::ifstream f(bench_path);
      bench = Json::parse(f);
    } catch (const std::exception& e) {
      problems.push_back(bench_path + ": not JSON (" + e.what() + "); the page shows no benchmark");
    }
  }
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream f(dir + "/" + name, std::ios::trunc);
    f << text;
    if (!f) problems.push_back("cannot write " + dir + "/" + name);
  };
  write("junit.xml", junit_xml(runs));
  write("summary.md", markdown_summary(runs));
  write("index.html", html_report(runs, bench));
  return problems;
}

namespace report {

std::string adapter_name(const RunRecord& run) { return run.meta.value("adapter", "?"); }

std::string implementation_label(const RunRecord& run) {
  const Json& impl = run.meta.value("implementation", Json());
  if (!impl.is_object()) return adapter_name(run) + " (did not start)";
  return impl.value("name", "?") + " " + impl.value("version", "");
}

std::vector<const RunRecord*> ordered(const std::vector<RunRecord>& runs) {
  static const std::vector<std::string> first = {"native", "sim", "asyncio", "uvloop"};
  std::vector<const RunRecord*> out;
  for (const auto& r : runs) out.push_back(&r);
  auto rank = [](const RunRecord* r) {
    auto it = std::find(first.begin(), first.end(), adapter_name(*r));
    return static_cast<size_t>(it - first.begin());
  };
  std::stable_sort(out.begin(), out.end(), [&](const RunRecord* a, const RunRecord* b) {
    auto ra = rank(a), rb = rank(b);
    return ra != rb ? ra < rb : adapter_name(*a) < adapter_name(*b);
  });
  return out;
}

std::vector<Row> matrix(const std::vector<const RunRecord*>& runs) {
  std::map<std::string, Row> rows;
  for (size_t k = 0; k < runs.size(); ++k)
    for (const auto& r : runs[k]->results) {
      Row& row = rows[r.id];
      row.id = r.id;
      if (!row.any || (row.any->title.empty() && !r.title.empty())) row.any = &r;
      row.cells.resize(runs.size());
      row.cells[k].push_back(&r);
    }
  std::vector<Row> out;
  for (auto& [id, row] : rows) {
    row.cells.resize(runs.size());
    out.push_back(std::move(row));
  }
  return out;
}

std::string cell_status(const std::vector<const ScenarioResult*>& cell) {
  static const std::vector<std::string> worst_first = {"CRASH", "TIMEOUT", "ERROR", "FAIL", "XPASS", "XFAIL", "SKIP", "PASS"};
  std::string best;
  size_t rank = worst_first.size();
  for (const auto* r : cell) {
    auto it = std::find(worst_first.begin(), worst_first.end(), r->status);
    size_t k = static_cast<size_t>(it - worst_first.begin());
    if (k < rank) rank = k, best = r->status;
  }
  return best;
}

bool is_finding(const ScenarioResult& r) { return r.status != "PASS" && r.status != "SKIP"; }

std::string doc_text(const ScenarioResult& r) {
  if (r.doc.is_object() && r.doc.contains("text") && r.doc["text"].is_string()) {
    std::string t = r.doc["text"].get<std::string>();
    std::string out;
    bool space = false;
    for (char c : t) {  // fold whitespace: quotes are verbatim but may be wrapped
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        space = !out.empty();
        continue;
      }
      if (space) out += ' ';
      space = false;
      out += c;
    }
    return out;
  }
  return {};
}

std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.2f" : "%.1f", s);
  return buf;
}

}  // namespace report
}  // namespace loopcheck
