// The adapter side of the process protocol (conformance/PROTOCOL.md): JSON lines, one answer
// per request, in order. A bad line, an unknown op or `run` before `start` is answered with
// an `error` message and the loop carries on. A `run` request's `seed`, `chaos` and
// `trace_world` fields override the command line's for that run.
#include <cstdint>
#include <istream>
#include <ostream>
#include <string>

#include "loopcheck/aio_adapter.h"
#include "model.h"

namespace loopcheck::aio_adapter {

namespace {

using json = nlohmann::json;

void send(std::ostream& out, const json& msg) {
  out << msg.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  out.flush();
}

json error_message(const json& seq, const std::string& message) {
  return {{"op", "error"}, {"seq", seq}, {"message", message}};
}

}  // namespace

int serve(std::istream& in, std::ostream& out, const AdapterOptions& options) {
  bool started = false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json req = json::parse(line, nullptr, false);
    if (req.is_discarded() || !req.is_object() || !req.contains("op") || !req["op"].is_string()) {
      send(out, error_message(req.is_object() ? req.value("seq", json()) : json(),
                              "bad request line: a request is a JSON object with an \"op\" string"));
      continue;
    }
    const std::string op = req["op"];
    const json seq = req.value("seq", json());
    if (op == "start") {
      const json wanted = req.value("protocol", json::array());
      bool common = false;
      if (wanted.is_array()) {
        for (const json& v : wanted) common = common || v == kProtocolVersion;
      } else {
        common = wanted == kProtocolVersion;
      }
      if (!common) {
        send(out, {{"op", "error"},
                   {"message", "no common protocol version: harness speaks " + wanted.dump() +
                                   ", adapter speaks [" + std::to_string(kProtocolVersion) + "]"}});
        continue;
      }
      started = true;
      send(out, describe(options));
    } else if (op == "run") {
      if (!started) {
        send(out, error_message(seq, "run before start"));
      } else if (!req.contains("scenario")) {
        send(out, error_message(seq, "run needs \"scenario\""));
      } else {
        AdapterOptions run_options = options;
        if (req.contains("seed") && req["seed"].is_number_unsigned()) run_options.seed = req["seed"].get<std::uint64_t>();
        if (req.contains("chaos")) run_options.chaos = req["chaos"] == true;
        if (req.contains("trace_world")) run_options.trace_world = req["trace_world"] == true;
        json result = run_scenario(req["scenario"], run_options);
        json answer = {{"op", "result"}, {"seq", seq}};
        for (auto it = result.begin(); it != result.end(); ++it) answer[it.key()] = it.value();
        send(out, answer);
      }
    } else if (op == "stop") {
      send(out, {{"op", "stopped"}});
      return 0;
    } else {
      send(out, error_message(seq, "unknown op '" + op + "'"));
    }
  }
  return 0;
}

}  // namespace loopcheck::aio_adapter
