// The adapter side of the protocol for an in-process Adapter (`loopcheck serve`), as
// conformance/adapters/python/protocol.py does for the Python driver.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "loopcheck/adapter.h"

namespace loopcheck {

int serve_protocol(Adapter& adapter, std::uint64_t default_seed) {
  // Keep a private copy of stdout for protocol lines; anything else printed to fd 1 (by the
  // loop under test, say) goes to stderr.
  int proto_fd = ::dup(1);
  ::dup2(2, 1);
  FILE* out = ::fdopen(proto_fd, "w");
  if (!out) return 1;
  auto send = [&](const Json& msg) {
    std::string line = msg.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
    std::fwrite(line.data(), 1, line.size(), out);
    std::fflush(out);
  };
  bool started = false;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json req;
    try {
      req = Json::parse(line);
      if (!req.is_object() || !req.contains("op") || !req["op"].is_string())
        throw std::runtime_error("a request is a JSON object with an \"op\" string");
    } catch (const std::exception& e) {
      send({{"op", "error"}, {"seq", nullptr}, {"message", std::string("bad request line: ") + e.what()}});
      continue;
    }
    const std::string op = req["op"].get<std::string>();
    const Json seq = req.contains("seq") ? req["seq"] : Json();
    if (op == "start") {
      Json wanted = req.contains("protocol") ? req["protocol"] : Json::array();
      bool ok = false;
      for (const auto& v : wanted.is_array() ? wanted : Json::array({wanted})) ok = ok || v == kProtocolVersion;
      if (!ok) {
        send({{"op", "error"}, {"seq", nullptr},
              {"message", "no common protocol version: harness speaks " + wanted.dump() + ", adapter speaks [1]"}});
        continue;
      }
      Json ready = adapter.describe();
      ready["op"] = "ready";
      ready["protocol"] = kProtocolVersion;
      started = true;
      send(ready);
    } else if (op == "run") {
      if (!started) {
        send({{"op", "error"}, {"seq", seq}, {"message", "run before start"}});
      } else if (!req.contains("scenario")) {
        send({{"op", "error"}, {"seq", seq}, {"message", "run needs \"scenario\""}});
      } else {
        RunOptions options;
        options.seed = req.contains("seed") && req["seed"].is_number_unsigned() ? req["seed"].get<std::uint64_t>() : default_seed;
        options.deadline = req.contains("deadline") && req["deadline"].is_number() ? req["deadline"].get<double>() : 10.0;
        options.chaos = req.contains("chaos") && req["chaos"] == true;
        options.trace_world = req.contains("trace_world") && req["trace_world"] == true;
        const auto t0 = std::chrono::steady_clock::now();
        Json result;
        try {
          result = adapter.run(req["scenario"], options);
        } catch (const std::exception& e) {
          const Json& sc = req["scenario"];
          std::string id = sc.is_object() && sc.contains("id") && sc["id"].is_string() ? sc["id"].get<std::string>() : "scenario";
          result = {{"status", "adapter_error"}, {"trace", Json::array()}, {"final", nullptr},
                    {"error", {{"message", id + ": " + e.what()}}}};
        }
        Json answer = {{"op", "result"}, {"seq", seq}};
        for (const auto& [k, v] : result.items())
          if (k != "op" && k != "seq") answer[k] = v;
        if (!answer.contains("duration"))
          answer["duration"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        send(answer);
      }
    } else if (op == "stop") {
      send({{"op", "stopped"}});
      return 0;
    } else {
      send({{"op", "error"}, {"seq", seq}, {"message", "unknown op '" + op + "'"}});
    }
  }
  return 0;
}

}  // namespace loopcheck
