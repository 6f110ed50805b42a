// index.html: one static page, no external resources. The matrix of scenarios by
// implementation (each row with its rules and doc sentence), the findings, every failure
// with its expected and actual traces side by side, and the benchmark chart.
#include <cctype>
#include <sstream>

#include "html.h"
#include "loopcheck/check.h"
#include "loopcheck/model.h"
#include "loopcheck/report.h"

namespace loopcheck {
namespace {

using html::esc;

const char* kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 6px;vertical-align:top}
th{background:#f4f4f4;position:sticky;top:0}
.PASS{background:#c8f0c8}.FAIL,.ERROR,.CRASH,.TIMEOUT,.XPASS{background:#f7b7b7;font-weight:bold}
.SKIP{background:#eee;color:#777}.XFAIL{background:#f9e5a8}
td.st{text-align:center;white-space:nowrap}td.st a{color:inherit}
.doc{color:#555;font-size:12px;max-width:42em}.rules{white-space:nowrap;font-family:monospace}
.id{font-family:monospace}.lvl{font-size:12px;color:#555}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}
pre{background:#f8f8f8;border:1px solid #e4e4e4;padding:6px;overflow-x:auto;font-size:12px;margin:0}
pre .bad{background:#f7b7b7}
details{margin:.4em 0}summary{cursor:pointer}
.problems{color:#a00;white-space:pre-wrap;font-family:monospace;font-size:12px}
#filter{margin:.5em 0;padding:3px;width:20em}
)";

// The expected trace as indented lines: groups as headers, items as compact JSON.
void expect_lines(const Json& items, int depth, std::string& out) {
  if (!items.is_array()) return;
  for (const auto& it : items) {
    const std::string pad(static_cast<size_t>(depth) * 2, ' ');
    if (it.is_object() && it.size() == 1 && (it.contains("unordered") || it.contains("sequence"))) {
      const std::string kind = it.contains("unordered") ? "unordered" : "sequence";
      out += pad + kind + ":\n";
      expect_lines(it[kind], depth + 1, out);
    } else {
      out += pad + "- " + it.dump() + "\n";
    }
  }
}

std::string expected_block(const ScenarioResult& r) {
  std::string text;
  if (r.expect.is_object() && r.expect.contains("trace")) {
    expect_lines(r.expect["trace"], 0, text);
    if (r.expect["trace"].empty()) text = "(empty trace)\n";
    if (r.expect.contains("final")) text += "final: " + r.expect["final"].dump() + "\n";
  } else {
    text = "(the scenario could not be read)\n";
  }
  return "<pre>" + esc(text) + "</pre>";
}

std::string actual_block(const ScenarioResult& r) {
  // The event the first problem names ("... event #12 ..."), to highlight. Parsed by hand: the
  // text may come from an adapter, and std::regex recurses per character.
  long bad = -1;
  const std::string p = r.problems.empty() ? "" : r.problems[0];
  for (std::size_t at = p.find("event #"); at != std::string::npos; at = p.find("event #", at + 1)) {
    std::size_t n = 0;
    long value = 0;
    for (std::size_t i = at + 7; i < p.size() && std::isdigit(static_cast<unsigned char>(p[i])); ++i, ++n)
      if (n < 9) value = value * 10 + (p[i] - '0');
    if (n > 0) {
      if (n > 9) break;  // no trace is that long
      bad = value;
      break;
    }
  }
  std::string out = "<pre>";
  for (size_t i = 0; i < r.trace.size(); ++i) {
    std::string line = "#" + std::to_string(i) + " " + event_text(r.trace[i]);
    out += static_cast<long>(i) == bad ? "<span class=\"bad\">" + esc(line) + "</span>\n" : esc(line) + "\n";
  }
  if (r.trace.empty()) out += "(empty trace)\n";
  out += "final: " + esc(r.final.dump()) + "</pre>";
  return out;
}

std::string anchor(const std::string& adapter, const std::string& id, int repeat) {
  std::string a = "f-" + adapter + "-" + id + "-" + std::to_string(repeat);
  for (auto& c : a)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
  return a;
}

void summary_table(std::ostringstream& o, const std::vector<const RunRecord*>& runs) {
  o << "<table id=\"summary\"><tr><th>adapter</th><th>implementation</th><th>time</th><th>platform</th>";
  for (const auto& s : all_statuses()) o << "<th class=\"" << s << "\">" << s << "</th>";
  o << "<th>wall s</th></tr>\n";
  for (const RunRecord* run : runs) {
    auto counts = count_statuses(run->results);
    o << "<tr><td>" << esc(report::adapter_name(*run)) << "</td><td>" << esc(report::implementation_label(*run))
      << "</td><td>" << esc(run->meta.value("time", "?")) << "</td><td>" << esc(run->meta.value("platform", "")) << "</td>";
    for (const auto& s : all_statuses()) o << "<td>" << (counts.count(s) ? std::to_string(counts[s]) : "") << "</td>";
    const double wall = run->summary.is_object() ? run->summary.value("wall_seconds", 0.0) : 0.0;
    o << "<td>" << report::fmt_seconds(wall) << "</td></tr>\n";
  }
  o << "</table>\n";
}

void matrix_table(std::ostringstream& o, const std::vector<const RunRecord*>& runs) {
  o << "<input id=\"filter\" placeholder=\"filter rows: id, rule or status\">\n";
  o << "<table id=\"matrix\"><thead><tr><th>scenario</th><th>rules</th>";
  for (const RunRecord* run : runs)
    o << "<th title=\"" << esc(report::implementation_label(*run)) << "\">" << esc(report::adapter_name(*run)) << "</th>";
  o << "</tr></thead><tbody>\n";
  for (const auto& row : report::matrix(runs)) {
    const ScenarioResult& m = *row.any;
    o << "<tr class=\"row\"><td><span class=\"id\">" << esc(row.id) << "</span> <span class=\"lvl\">" << esc(m.level)
      << "</span><br>" << esc(m.title);
    if (auto d = report::doc_text(m); !d.empty()) o << "<div class=\"doc\">&ldquo;" << esc(d) << "&rdquo;</div>";
    o << "</td><td class=\"rules\">" << esc(model::join(m.rules, " ")) << "</td>";
    for (size_t k = 0; k < runs.size(); ++k) {
      const auto& cell = row.cells[k];
      const std::string st = report::cell_status(cell);
      if (st.empty()) {
        o << "<td class=\"st\"></td>";
        continue;
      }
      std::string title = cell[0]->reason.empty() ? (cell[0]->problems.empty() ? "" : cell[0]->problems[0]) : cell[0]->reason;
      o << "<td class=\"st " << st << "\" title=\"" << esc(title) << "\">";
      if (st != "PASS") {
        const ScenarioResult* shown = cell[0];
        for (const auto* r : cell)
          if (r->status == st) shown = r;
        o << "<a href=\"#" << anchor(report::adapter_name(*runs[k]), shown->id, shown->repeat) << "\">" << st << "</a>";
      } else {
        o << st;
      }
      if (cell.size() > 1) o << " &times;" << cell.size();
      o << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</tbody></table>\n";
}

void findings(std::ostringstream& o, const std::vector<const RunRecord*>& runs) {
  o << "<h2 id=\"findings\">Findings: differences by rule</h2>\n<p>At the <i>documented</i> level a "
       "difference means the loop does not conform to the docs; at the <i>reference</i> level it "
       "measures the distance from CPython 3.11.2 where the docs are silent.</p>\n";
  bool any = false;
  for (const RunRecord* run : runs)
    for (const char* level : {"documented", "reference"}) {
      std::vector<const ScenarioResult*> f;
      for (const auto& r : run->results)
        if (report::is_finding(r) && r.level == level && r.repeat == 0) f.push_back(&r);
      if (f.empty()) continue;
      any = true;
      o << "<h3>" << esc(report::implementation_label(*run)) << " (" << esc(report::adapter_name(*run)) << "), " << level
        << " level: " << f.size() << "</h3>\n<table class=\"findings\"><tr><th>scenario</th><th>rules</th><th>status</th><th>reason</th></tr>\n";
      for (const auto* r : f)
        o << "<tr><td class=\"id\"><a href=\"#" << anchor(report::adapter_name(*run), r->id, r->repeat) << "\">" << esc(r->id)
          << "</a></td><td class=\"rules\">" << esc(model::join(r->rules, " ")) << "</td><td class=\"st " << r->status << "\">"
          << r->status << "</td><td>" << esc(r->reason.empty() ? "(not in the expectations file)" : r->reason) << "</td></tr>\n";
      o << "</table>\n";
    }
  if (!any) o << "<p>None.</p>\n";
}

void failures(std::ostringstream& o, const std::vector<const RunRecord*>& runs) {
  o << "<h2 id=\"failures\">Failures and known differences, with traces</h2>\n";
  for (const RunRecord* run : runs)
    for (const auto& r : run->results) {
      if (r.status == "PASS" || r.status == "SKIP") continue;
      o << "<details id=\"" << anchor(report::adapter_name(*run), r.id, r.repeat) << "\"" << (is_unexpected(r.status) ? " open" : "")
        << "><summary><span class=\"st " << r.status << "\">" << r.status << "</span> <span class=\"id\">" << esc(r.id)
        << "</span> on " << esc(report::adapter_name(*run)) << (r.repeat ? " (repeat " + std::to_string(r.repeat) + ")" : "")
        << " &mdash; " << esc(model::join(r.rules, " ")) << " &mdash; " << esc(r.file) << "</summary>\n";
      if (!r.reason.empty()) o << "<p>Known difference: " << esc(r.reason) << "</p>\n";
      o << "<div class=\"problems\">" << esc(model::join(r.problems, "\n")) << "</div>\n";
      o << "<div class=\"pair\"><div><b>expected</b>" << expected_block(r) << "</div><div><b>actual</b> ("
        << esc(r.adapter_status) << ", seed " << r.seed << ")" << actual_block(r) << "</div></div></details>\n";
    }
}

const char* kScript = R"(
<script>
(function(){
  var rows = document.querySelectorAll('#matrix tr.row');
  var f = document.getElementById('filter');
  f.addEventListener('input', function(){
    var q = f.value.toLowerCase();
    rows.forEach(function(r){ r.style.display = r.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none'; });
  });
  var shown = 0;
  rows.forEach(function(r){ if (r.getBoundingClientRect().height > 0) shown++; });
  var m = document.getElementById('matrix');
  document.body.setAttribute('data-matrix-rows', String(shown));
  document.body.setAttribute('data-matrix-height', String(Math.round(m.getBoundingClientRect().height)));
  var chart = document.getElementById('bench-chart');
  document.body.setAttribute('data-bench-bars', chart ? String(chart.querySelectorAll('rect.bar').length) : '0');
})();
</script>
)";

}  // namespace

std::string html_report(const std::vector<RunRecord>& all, const Json& bench) {
  const auto runs = report::ordered(all);
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>loopcheck report</title><style>"
    << kStyle << "</style></head>\n<body>\n<h1>loopcheck: the asyncio event loop, scenario by scenario</h1>\n"
    << "<p>Each row is one scenario of <code>scenarios/</code>, with the catalogue rules it checks and the doc "
       "sentence it comes from; each column an implementation. <a href=\"#findings\">Findings</a> &middot; "
       "<a href=\"#failures\">Failures</a> &middot; <a href=\"#bench\">Benchmarks</a>. Generated from "
       "<code>runs/*.jsonl</code>.</p>\n";
  summary_table(o, runs);
  o << "<h2 id=\"matrix-title\">Matrix</h2>\n";
  matrix_table(o, runs);
  findings(o, runs);
  failures(o, runs);
  o << "<h2 id=\"bench\">Benchmarks</h2>\n" << html::bench_section(bench);
  o << kScript << "</body></html>\n";
  return o.str();
}

}  // namespace loopcheck
