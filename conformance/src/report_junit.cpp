// JUnit XML: one <testsuite> per adapter run, one <testcase> per scenario run.
// FAIL, ERROR, CRASH, TIMEOUT and XPASS are failures; SKIP and XFAIL are skipped.
#include <map>
#include <sstream>

#include "loopcheck/report.h"

namespace loopcheck {
namespace {

std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "\n") + s;
  return out;
}

}  // namespace

std::string junit_xml(const std::vector<RunRecord>& runs) {
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"loopcheck\">\n";
  for (const RunRecord* run : report::ordered(runs)) {
    const std::string adapter = report::adapter_name(*run);
    int failures = 0, errors = 0, skipped = 0;
    double time = 0;
    for (const auto& r : run->results) {
      time += r.duration;
      if (r.status == "FAIL" || r.status == "XPASS") ++failures;
      else if (r.status == "ERROR" || r.status == "CRASH" || r.status == "TIMEOUT") ++errors;
      else if (r.status == "SKIP" || r.status == "XFAIL") ++skipped;
    }
    o << "  <testsuite name=\"loopcheck." << xml(adapter) << "\" tests=\"" << run->results.size()
      << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped
      << "\" time=\"" << time << "\" timestamp=\"" << xml(run->meta.value("started", "")) << "\">\n";
    o << "    <properties>\n";
    o << "      <property name=\"implementation\" value=\"" << xml(report::implementation_label(*run)) << "\"/>\n";
    o << "      <property name=\"platform\" value=\"" << xml(run->meta.value("platform", "")) << "\"/>\n";
    o << "      <property name=\"seed\" value=\"" << run->meta.value("seed", Json(0)).dump() << "\"/>\n";
    o << "    </properties>\n";
    for (const auto& r : run->results) {
      std::string area = r.id.substr(0, r.id.find('/'));
      std::string name = r.id + (r.repeat ? " #" + std::to_string(r.repeat) : "");
      o << "    <testcase classname=\"loopcheck." << xml(adapter) << "." << xml(area) << "\" name=\""
        << xml(name) << "\" file=\"" << xml(r.file) << "\" time=\"" << r.duration << "\">";
      const std::string msg = r.status + (r.reason.empty() ? "" : " (" + r.reason + ")");
      const std::string body = join_lines(r.problems);
      if (r.status == "FAIL" || r.status == "XPASS")
        o << "\n      <failure type=\"" << r.status << "\" message=\"" << xml(msg) << "\">" << xml(body) << "</failure>\n    ";
      else if (r.status == "ERROR" || r.status == "CRASH" || r.status == "TIMEOUT")
        o << "\n      <error type=\"" << r.status << "\" message=\"" << xml(msg) << "\">" << xml(body) << "</error>\n    ";
      else if (r.status == "SKIP" || r.status == "XFAIL")
        o << "\n      <skipped message=\"" << xml(r.status + ": " + (r.reason.empty() ? body : r.reason)) << "\"/>\n    ";
      o << "</testcase>\n";
    }
    o << "  </testsuite>\n";
  }
  o << "</testsuites>\n";
  return o.str();
}

}  // namespace loopcheck
