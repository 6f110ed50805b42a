#include "loopcheck/results.h"

#include <fstream>
#include <initializer_list>
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
  r.repeat = j.contains("repeat") && j["repeat"].is_number_integer() ? j["repeat"].get<int>() : 0;
  r.seed = j.contains("seed") && j["seed"].is_number_unsigned() ? j["seed"].get<std::uint64_t>() : 0;
  r.duration = j.contains("duration") && j["duration"].is_number() ? j["duration"].get<double>() : 0.0;
  r.trace = j.contains("trace") && j["trace"].is_array() ? j["trace"] : Json::array();
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

namespace {

// The report writers read these fields of the "run" and "summary" lines with a type in
// mind; a file that holds another type there (hand-edited, or not written by loopcheck)
// loses the field instead of making a report throw.
void keep_typed(Json& obj, std::initializer_list<const char*> strings, std::initializer_list<const char*> objects,
                std::initializer_list<const char*> numbers = {}) {
  for (const char* k : strings)
    if (obj.contains(k) && !obj[k].is_string()) obj.erase(k);
  for (const char* k : objects)
    if (obj.contains(k) && !obj[k].is_object()) obj.erase(k);
  for (const char* k : numbers)
    if (obj.contains(k) && !obj[k].is_number()) obj.erase(k);
}

void normalize_meta(Json& meta) {
  keep_typed(meta, {"adapter", "time", "platform", "started", "shard"}, {"implementation", "harness"});
  if (meta.contains("implementation")) keep_typed(meta["implementation"], {"name", "version"}, {});
  if (!meta.contains("harness")) meta["harness"] = Json::object();
  keep_typed(meta["harness"], {"name", "version"}, {});
}

void normalize_summary(Json& summary) {
  keep_typed(summary, {}, {"counts"}, {"wall_seconds"});
  if (summary.contains("errors")) {
    Json kept = Json::array();
    if (summary["errors"].is_array())
      for (const auto& e : summary["errors"])
        if (e.is_string()) kept.push_back(e);
    summary["errors"] = kept;
  }
}

}  // namespace

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
    if (json_nested_deeper_than(text))
      throw std::runtime_error(path + ":" + std::to_string(n) + ": JSON nested deeper than " +
                               std::to_string(kMaxJsonDepth) + " levels");
    Json j;
    try {
      j = Json::parse(text);
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(n) + ": not JSON: " + e.what());
    }
    const std::string type = j.is_object() && j.contains("type") && j["type"].is_string() ? j["type"].get<std::string>() : "";
    if (type == "run") normalize_meta(run.meta = j);
    else if (type == "result") run.results.push_back(result_from_json(j));
    else if (type == "summary") normalize_summary(run.summary = j);
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
