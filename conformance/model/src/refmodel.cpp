// The library's entry points: describe() (the `ready` answer) and run_scenario() (validate,
// skip, compile, run, answer with the protocol's result fields).
#include "loopcheck/refmodel.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <tuple>
#include <vector>

#include "json_copy.h"
#include "loopcheck/adapter.h"
#include "loopcheck/model.h"
#include "loopcheck/validate.h"
#include "program.h"
#include "run.h"

#ifndef LOOPCHECK_MODEL_VERSION
#define LOOPCHECK_MODEL_VERSION "0.0.0"
#endif

namespace loopcheck::refmodel {

namespace {

// The asyncio whose semantics the model copies: CPython 3.11.2 (the catalogue's).
constexpr std::tuple<int, int, int> kAsyncio{3, 11, 2};
constexpr const char* kAsyncioVersion = "3.11";

const std::vector<std::string>& capabilities() {
  static const std::vector<std::string> caps = {
      "virtual_time", "tasks", "internals", "repeat", "gather", "task_factory", "contextvars"};
  return caps;
}

std::tuple<int, int, int> version_tuple(const std::string& text) {
  int v[3] = {0, 0, 0};
  std::size_t start = 0;
  for (int i = 0; i < 3 && start <= text.size(); ++i) {
    const std::size_t dot = text.find('.', start);
    v[i] = std::stoi(text.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return {v[0], v[1], v[2]};
}

// Why the model declines a valid scenario, or "" (protocol.py's skip_reason).
std::string skip_reason(const loopcheck::Json& sc) {
  std::string missing;
  for (const auto& need : sc["needs"]) {
    const std::string n = need.get<std::string>();
    if (std::find(capabilities().begin(), capabilities().end(), n) == capabilities().end())
      missing += (missing.empty() ? "" : ", ") + n;
  }
  if (!missing.empty()) return "needs " + missing;
  const std::string here = std::string("this is ") + kAsyncioVersion;
  if (sc.contains("since") && kAsyncio < version_tuple(sc["since"].get<std::string>()))
    return "holds since Python " + sc["since"].get<std::string>() + "; " + here;
  if (sc.contains("until") && kAsyncio >= version_tuple(sc["until"].get<std::string>()))
    return "holds until Python " + sc["until"].get<std::string>() + " (exclusive); " + here;
  return "";
}

nlohmann::json answer(const std::string& status, const std::string& message,
                      nlohmann::json trace = nlohmann::json::array(),
                      nlohmann::json final = nullptr) {
  nlohmann::json out = {
      {"status", status}, {"trace", std::move(trace)}, {"final", std::move(final)}};
  if (!message.empty() || status != "done") out["error"] = {{"message", message}};
  return out;
}

std::string scenario_name(const nlohmann::json& raw) {
  if (raw.is_object() && raw.contains("id") && raw["id"].is_string())
    return raw["id"].get<std::string>();
  return "scenario";
}

nlohmann::json run_valid(const loopcheck::Json& sc, const ModelOptions& options) {
  const std::string id = sc["id"].get<std::string>();
  const Program program = compile_program(sc["program"], id);
  Run run(program, options);
  const Run::Outcome outcome = run.execute();
  nlohmann::json trace = run.take_trace();
  if (outcome.status == "adapter_error") trace = nlohmann::json::array();  // a run it gave up on
  return answer(outcome.status, outcome.message.empty() ? "" : id + ": " + outcome.message,
                std::move(trace), run.final_state());
}

}  // namespace

nlohmann::json describe(const ModelOptions& options) {
  const char* ties = options.ties == TieBreak::heap ? "heap" : "fifo";
  return {{"op", "ready"},
          {"protocol", loopcheck::kProtocolVersion},
          {"language", loopcheck::kLanguageVersion},
          {"adapter", {{"name", "loopcheck-model"}, {"version", LOOPCHECK_MODEL_VERSION}}},
          {"implementation",
           {{"name", options.ties == TieBreak::heap ? "loopcheck-model" : "loopcheck-model-fifo"},
            {"version", LOOPCHECK_MODEL_VERSION},
            {"language", "c++"},
            {"asyncio_version", kAsyncioVersion},
            {"platform", std::string("reference model of CPython 3.11.2, equal-time timers in ") +
                             ties + " order"}}},
          {"capabilities", capabilities()},
          {"time", "virtual"}};
}

nlohmann::json run_scenario(const nlohmann::json& raw, const ModelOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const std::string name = scenario_name(raw);
  nlohmann::json out;
  try {
    loopcheck::Json sc;
    try {
      sc = loopcheck::validate_scenario(json_copy<loopcheck::Json>(raw)).normalized;
    } catch (const loopcheck::ScenarioError& e) {
      out = answer("invalid", name + ": " + e.where() + ": " + e.message());
      out["error"]["path"] = e.where();
    }
    if (out.is_null()) {
      const std::string reason = skip_reason(sc);
      out = reason.empty() ? run_valid(sc, options) : answer("skipped", name + ": " + reason);
    }
  } catch (const std::exception& e) {
    out = answer("adapter_error", name + ": " + e.what());
  } catch (const Abort& a) {
    out = answer("adapter_error", name + ": " + a.status + ": " + a.message);
  } catch (...) {
    out = answer("adapter_error", name + ": an exception the model did not expect");
  }
  out["duration"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace loopcheck::refmodel
