// Structural checks of adapter answers (conformance/schema/protocol.schema.json).
#include <set>

#include "loopcheck/adapter.h"
#include "loopcheck/model.h"

namespace loopcheck {
namespace {

bool str_field(const Json& o, const char* k) { return o.is_object() && o.contains(k) && o[k].is_string(); }

// The string at o[k], or "" (never throws, whatever the answer holds).
std::string str(const Json& o, const char* k) { return str_field(o, k) ? o[k].get<std::string>() : std::string(); }

std::string check_event(const Json& e, size_t i) {
  const std::string at = "trace event #" + std::to_string(i);
  if (!e.is_object()) return at + " is not an object";
  if (!str_field(e, "kind")) return at + " has no \"kind\" string";
  if (!e.contains("t") || !e["t"].is_number()) return at + " has no number \"t\"";
  static const std::set<std::string> kinds = {"record", "value", "error", "caught", "handler", "log",
                                             "repr", "factory"};  // 1.1: repr, factory
  if (!kinds.count(e["kind"].get<std::string>())) return at + " has an unknown kind " + py_dumps(e["kind"]);
  return {};
}

bool is_fingerprint(const Json& f) {
  if (!f.is_string()) return false;
  const std::string& s = f.get_ref<const std::string&>();
  return !s.empty() && s.size() <= 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::string check_ready(const Json& r) {
  if (!r.is_object()) return "the answer is not a JSON object";
  if (str(r, "op") == "error") return "the adapter answered with an error: " + str(r, "message");
  if (str(r, "op") != "ready") return "expected {\"op\": \"ready\"}, got " + r.dump().substr(0, 200);
  if (!r.contains("protocol") || !r["protocol"].is_number_integer()) return "ready: \"protocol\" is not an integer";
  if (r["protocol"].get<long long>() != kProtocolVersion)
    return "ready: protocol " + r["protocol"].dump() + " is not one the harness speaks (1)";
  if (!r.contains("language") || !r["language"].is_number_integer()) return "ready: \"language\" is not an integer";
  if (!r.contains("adapter") || !r["adapter"].is_object() || !str_field(r["adapter"], "name"))
    return "ready: \"adapter\" needs a name";
  if (!r.contains("implementation") || !r["implementation"].is_object()) return "ready: no \"implementation\"";
  const Json& impl = r["implementation"];
  for (const char* k : {"name", "version", "language", "asyncio_version"})
    if (!str_field(impl, k)) return std::string("ready: implementation.") + k + " is not a string";
  if (!model::is_version(impl["asyncio_version"].get<std::string>()))
    return "ready: implementation.asyncio_version is not a version like 3.11";
  if (!r.contains("capabilities") || !r["capabilities"].is_array()) return "ready: \"capabilities\" is not a list";
  for (const auto& c : r["capabilities"])
    if (!c.is_string()) return "ready: capabilities are strings";
  if (str(r, "time") != "virtual" && str(r, "time") != "real")
    return "ready: \"time\" is virtual or real";
  if (r.contains("run_options")) {
    if (!r["run_options"].is_array()) return "ready: \"run_options\" is not a list";
    for (const auto& o : r["run_options"])
      if (o != "chaos" && o != "trace_world") return "ready: run_options are \"chaos\" and \"trace_world\", not " + o.dump();
  }
  return {};
}

std::string check_result(const Json& r, const Json& seq) {
  if (!r.is_object()) return "the answer is not a JSON object";
  if ((r.contains("seq") ? r["seq"] : Json()) != seq)
    return "answer for seq " + (r.contains("seq") ? r["seq"] : Json()).dump() + ", expected " + seq.dump();
  if (str(r, "op") == "error") return {};  // a well-formed refusal; the runner reports it
  if (str(r, "op") != "result") return "expected {\"op\": \"result\"}, got op " + r.value("op", Json()).dump();
  if (!str_field(r, "status")) return "result: \"status\" is not a string";
  if (!r.contains("trace") || !r["trace"].is_array()) return "result: \"trace\" is not a list";
  for (size_t i = 0; i < r["trace"].size(); ++i)
    if (auto p = check_event(r["trace"][i], i); !p.empty()) return "result: " + p;
  if (!r.contains("final")) return "result: no \"final\"";
  const Json& f = r["final"];
  if (!f.is_null() && !(f.is_object() && f.contains("running") && f["running"].is_boolean() &&
                        f.contains("closed") && f["closed"].is_boolean()))
    return "result: \"final\" is null or {running: bool, closed: bool}";
  if (r.contains("fingerprint") && !is_fingerprint(r["fingerprint"]))
    return "result: \"fingerprint\" is a string of 1 to 64 lower-case hex digits";
  if (r.contains("trace_world")) {
    if (!r["trace_world"].is_array()) return "result: \"trace_world\" is not a list";
    for (const auto& line : r["trace_world"])
      if (!line.is_string()) return "result: \"trace_world\" holds strings";
  }
  if (r["status"] != "done" && !(r.contains("error") && r["error"].is_object() && str_field(r["error"], "message")))
    return "result: status " + r["status"].dump() + " needs error.message";
  return {};
}

}  // namespace loopcheck
