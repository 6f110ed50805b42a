// The benchmark section of index.html: reports/bench/results.json as an SVG bar chart
// (median items per second, log scale, min-max whiskers) and the targets table.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "html.h"

namespace loopcheck::html {

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string rate(double v) {
  char buf[32];
  if (v >= 1e9) std::snprintf(buf, sizeof buf, "%.2fG/s", v / 1e9);
  else if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM/s", v / 1e6);
  else if (v >= 1e3) std::snprintf(buf, sizeof buf, "%.1fk/s", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f/s", v);
  return buf;
}

double num(const Json& o, const char* a, const char* b) {
  if (!o.is_object() || !o.contains(a) || !o[a].is_object() || !o[a].contains(b) || !o[a][b].is_number()) return NAN;
  return o[a][b].get<double>();
}

// o[key] if o is an object holding a string there, else `fallback`: results.json may be
// hand-edited or truncated, and the page is still written.
std::string text(const Json& o, const char* key, const std::string& fallback) {
  if (!o.is_object() || !o.contains(key) || !o[key].is_string()) return fallback;
  return o[key].get<std::string>();
}

// o[key] if o is an object that has it, else null.
const Json& member(const Json& o, const char* key) {
  static const Json none;
  return o.is_object() && o.contains(key) ? o[key] : none;
}

const char* colour(const std::string& impl) {
  if (impl == "aio") return "#2b7bb9";
  if (impl == "floor") return "#888";
  if (impl == "asio") return "#8a5a9e";
  if (impl == "libuv") return "#d08a2b";
  if (impl == "asyncio") return "#3a9a5b";
  if (impl == "uvloop") return "#b94a48";
  return "#555";
}

}  // namespace

std::string bench_section(const Json& bench) {
  if (!bench.is_object() || !bench.contains("workloads") || !bench["workloads"].is_array())
    return "<p>No benchmark results (<code>reports/bench/results.json</code> is absent; "
           "<code>scripts/bench.sh</code> writes it).</p>\n";
  const double lo = 3, hi = 9.5;  // log10 of items per second on the axis
  const int label_w = 300, bar_w = 560, row_h = 18, width = label_w + bar_w + 110;
  std::ostringstream rows;
  int y = 30, bars = 0;
  for (const auto& w : bench["workloads"]) {
    if (!w.is_object()) continue;
    rows << "<text x=\"0\" y=\"" << y + 12 << "\" class=\"wl\">" << esc(text(w, "title", text(w, "name", "?"))) << "</text>\n";
    y += row_h + 2;
    const Json& results = member(w, "results");
    if (!results.is_array()) continue;
    for (const auto& r : results) {
      const std::string impl = text(r, "implementation", "?");
      const double med = num(r, "items_per_second", "median");
      rows << "<text x=\"" << label_w - 6 << "\" y=\"" << y + 12 << "\" text-anchor=\"end\">" << esc(impl) << "</text>";
      if (text(r, "status", "") != "ok" || !(med > 0)) {
        rows << "<text x=\"" << label_w + 4 << "\" y=\"" << y + 12 << "\" class=\"na\">" << esc(text(r, "status", "?")) << "</text>\n";
        y += row_h;
        continue;
      }
      auto x_of = [&](double v) { return label_w + bar_w * std::clamp((std::log10(v) - lo) / (hi - lo), 0.0, 1.0); };
      const double x = x_of(med);
      rows << "<rect class=\"bar\" x=\"" << label_w << "\" y=\"" << y + 2 << "\" width=\"" << x - label_w << "\" height=\""
           << row_h - 4 << "\" fill=\"" << colour(impl) << "\"><title>" << esc(impl) << ": " << rate(med) << " (median)</title></rect>";
      const double mn = num(r, "items_per_second", "min"), mx = num(r, "items_per_second", "max");
      if (mn > 0 && mx > 0)
        rows << "<line x1=\"" << x_of(mn) << "\" x2=\"" << x_of(mx) << "\" y1=\"" << y + row_h / 2 << "\" y2=\"" << y + row_h / 2
             << "\" stroke=\"#000\"/>";
      std::string ratio;
      if (impl != "aio") {
        double q = num(r, "ratio_to_aio", "median");
        if (q > 0) {
          char buf[48];
          std::snprintf(buf, sizeof buf, "  (aio %.3gx)", q);
          ratio = buf;
        }
      }
      rows << "<text x=\"" << x + 4 << "\" y=\"" << y + 12 << "\">" << rate(med) << esc(ratio) << "</text>\n";
      ++bars;
      y += row_h;
    }
    y += 8;
  }
  std::ostringstream o;
  const Json& machine = member(bench, "machine");
  o << "<p>From <code>reports/bench/results.json</code> (" << esc(text(bench, "date", "")) << ", "
    << esc(text(machine, "cpu", "")) << ", " << (member(machine, "cores").is_number_integer() ? member(machine, "cores").dump() : std::string("?"))
    << " cores). Median items per second on a log scale, min&ndash;max over rounds as a line; "
       "ratios are aio's rate over the peer's.</p>\n";
  o << "<svg id=\"bench-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << y + 10
    << "\" font-size=\"12\" font-family=\"system-ui,sans-serif\"><style>.wl{font-weight:bold}.na{fill:#999}</style>\n";
  for (int e = static_cast<int>(lo); e <= static_cast<int>(hi); ++e) {
    const double x = label_w + bar_w * (e - lo) / (hi - lo);
    o << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"20\" y2=\"" << y << "\" stroke=\"#e4e4e4\"/><text x=\"" << x
      << "\" y=\"14\" text-anchor=\"middle\" fill=\"#777\">1e" << e << "/s</text>\n";
  }
  o << rows.str() << "</svg>\n<!-- bars: " << bars << " -->\n";
  if (bench.contains("targets") && bench["targets"].is_array()) {
    o << "<table id=\"bench-targets\"><tr><th>target</th><th>required</th><th>measured</th><th>status</th></tr>\n";
    for (const auto& t : bench["targets"]) {
      const std::string st = text(t, "status", "");
      auto show = [](const Json& v) {
        if (!v.is_number()) return std::string("&ndash;");
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3g", v.get<double>());
        return std::string(buf);
      };
      o << "<tr><td>" << esc(text(t, "target", "")) << "</td><td>" << show(member(t, "required")) << "</td><td>"
        << show(member(t, "measured")) << "</td><td class=\"st " << (st == "met" ? "PASS" : st == "missed" ? "FAIL" : "SKIP")
        << "\">" << esc(st) << "</td></tr>\n";
    }
    o << "</table>\n";
  }
  return o.str();
}

}  // namespace loopcheck::html
