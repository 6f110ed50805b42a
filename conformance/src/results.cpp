#include "loopcheck/results.h"

#include <fstream>
#include <stdexcept>

namespace loopcheck {

const std::vector<std::string>& all_statuses() {
  static const std::vector<std::string> s = {"PASS", "FAIL", "ERROR", "CRASH", "TIMEOUT", "SKIP", "XFAIL", "XPASS"};
  return s;
}

bool is_unexpected(const std::string& s) {
  return s == "FAIL" || s == "ERROR" || s == "CRASH" || s == "TIMEOUT" || s == "XPASS";
}

Json result_to_json(const ScenarioResult& r) {
  Json j = {{"type", "result"}, {"scenario", r.id}, {"file", r.file}, {"status", r.status},
            {"checked", r.checked}, {"adapter_status", r.adapter_status}, {"level", r.level},
            {"rules", r.rules}, {"title", r.title}, {"doc", r.doc}, {"repeat", r.repeat},
            {"seed", r.seed}, {"duration", r.duration}, {"problems", r.problems}};
  if (!r.reason.empty()) j["reason"] = r.reason;
  if (!r.fingerprint.empty()) j["fingerprint"] = r.fingerprint;
  j["trace"] = r.trace;
  j["final"] = r.final;
  j["expect"] = r.expect;
  return j;
}

ScenarioResult result_from_json(const Json& j) {
  ScenarioResult r;
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  r.id = str("scenario");
  r.file = str("file");
  r.status = str("status");
  r.checked = str("checked");
  r.adapter_status = str("adapter_status");
  r.level = str("level");
  r.title = str("title");
  r.reason = str("reason");
  r.fingerprint = str("fingerprint");
  if (j.contains("rules") && j["rules"].is_array())
    for (const auto& x : j["rules"])
      if (x.is_string()) r.rules.push_back(x.get<std::string>());
  if (j.contains("problems") && j["problems"].is_array())
    for (const auto& x : j["problems"])
      if (x.is_string()) r.problems.push_back(x.get<std::string>());
  r.doc = j.value("doc", Json());
  r.repeat = j.value("repeat", 0);
  r.seed = j.contains("seed") && j["seed"].is_number_unsigned() ? j["seed"].get<std::uint64_t>() : 0;
  r.duration = j.contains("duration") && j["duration"].is_number() ? j["duration"].get<double>() : 0.0;
  r.trace = j.value("trace", Json::array());
  r.final = j.value("final", Json());
  r.expect = j.value("expect", Json());
  return r;
}

std::string write_jsonl(const RunRecord& run, const std::string& path) {
  std::ofstream f(path, std::ios::trunc);
  if (!f) return "cannot write " + path;
  auto line = [&](const Json& j) { f << j.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n"; };
  line(run.meta);
  for (const auto& r : run.results) line(result_to_json(r));
  if (!run.summary.is_null()) line(run.summary);
  f.close();
  return f ? std::string() : "cannot write " + path;
}

RunRecord read_jsonl(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot read the file");
  RunRecord run;
  run.path = path;
  std::string text;
  int n = 0;
  while (std::getline(f, text)) {
    ++n;
    if (text.empty()) continue;
    Json j;
    try {
      j = Json::parse(text);
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(n) + ": not JSON: " + e.what());
    }
    const std::string type = j.is_object() ? j.value("type", "") : "";
    if (type == "run") run.meta = j;
    else if (type == "result") run.results.push_back(result_from_json(j));
    else if (type == "summary") run.summary = j;
    else throw std::runtime_error(path + ":" + std::to_string(n) + ": a line of type \"run\", \"result\" or \"summary\" was expected");
  }
  if (run.meta.is_null()) throw std::runtime_error(path + ":1: the first line is not the run's metadata");
  return run;
}

std::map<std::string, int> count_statuses(const std::vector<ScenarioResult>& results) {
  std::map<std::string, int> c;
  for (const auto& r : results) ++c[r.status];
  return c;
}

}  // namespace loopcheck
