// loopcheck_fake_adapter: a protocol adapter that misbehaves on purpose, for the harness's
// tests. It runs nothing: what it answers depends on the scenario id's name part
// (fake/<mode>): crash (abort), exit (exit 3), hang (never answers), garbage (not JSON),
// wrongseq, badtrace, refuse (op error), invalid, stalled, unsupported, skipped, record
// (one record event "a"), record_mismatch (same), fingerprint (a fixed fingerprint), diverge
// (a fingerprint and trace_world line made of the process id: two processes never agree),
// deep (an answer nested a million levels deep, which would overflow the stack of a harness
// that copied it), anything else: done with an empty trace.
//   --no-start    exit at once          --bad-ready   a ready answer missing fields
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

using json = nlohmann::json;

int main(int argc, char** argv) {
  bool bad_ready = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--no-start")) return 4;
    if (!std::strcmp(argv[i], "--bad-ready")) bad_ready = true;
  }
  std::fprintf(stderr, "fake: started\n");
  std::string line;
  auto send = [](const json& j) { std::cout << j.dump() << "\n" << std::flush; };
  while (std::getline(std::cin, line)) {
    json req = json::parse(line, nullptr, false);
    if (req.is_discarded() || !req.is_object()) {
      send({{"op", "error"}, {"seq", nullptr}, {"message", "bad request line"}});
      continue;
    }
    const std::string op = req.value("op", "");
    if (op == "start") {
      json ready = {{"op", "ready"}, {"protocol", 1}, {"language", 1},
                    {"adapter", {{"name", "fake"}, {"version", "1"}}},
                    {"implementation", {{"name", "fake"}, {"version", "0.1"}, {"language", "c++"}, {"asyncio_version", "3.11"}}},
                    {"capabilities", {"virtual_time", "tasks", "threads", "pipes", "socketpair", "logs"}},
                    {"time", "virtual"}};
      if (bad_ready) ready.erase("implementation");
      send(ready);
    } else if (op == "stop") {
      send({{"op", "stopped"}});
      return 0;
    } else if (op == "run") {
      const json seq = req["seq"];
      std::string id = req["scenario"].value("id", "");
      std::string mode = id.substr(id.find('/') + 1);
      json result = {{"op", "result"}, {"seq", seq}, {"status", "done"}, {"trace", json::array()},
                     {"final", {{"running", false}, {"closed", true}}}, {"duration", 0.0}};
      auto fail = [&](const char* status) {
        result["status"] = status;
        result["error"] = {{"message", id + ": fake " + status}};
        result["final"] = nullptr;
      };
      if (mode == "crash") {
        std::fprintf(stderr, "fake: crashing on purpose in %s\n", id.c_str());
        std::abort();
      } else if (mode == "exit") {
        std::exit(3);
      } else if (mode == "hang") {
        for (;;) ::pause();
      } else if (mode == "garbage") {
        std::cout << "this is not json\n" << std::flush;
        continue;
      } else if (mode == "deep") {
        const std::string open(1000000, '['), close(1000000, ']');
        std::cout << R"({"op": "result", "seq": )" << seq.dump() << R"(, "status": "done", "final": null, )"
                  << R"("trace": [{"kind": "record", "t": 0, "name": )" << open << close << "}]}\n" << std::flush;
        continue;
      } else if (mode == "wrongseq") {
        result["seq"] = "not-" + seq.dump();
      } else if (mode == "badtrace") {
        result["trace"] = "not a list";
      } else if (mode == "refuse") {
        send({{"op", "error"}, {"seq", seq}, {"message", "refusing " + id}});
        continue;
      } else if (mode == "invalid" || mode == "stalled" || mode == "unsupported" || mode == "skipped") {
        fail(mode.c_str());
      } else if (mode == "fingerprint") {
        result["fingerprint"] = "0123456789abcdef";
      } else if (mode == "diverge") {
        const std::string pid = std::to_string(::getpid());
        result["fingerprint"] = "f" + pid;
        if (req.value("trace_world", false))
          result["trace_world"] = json::array({"t=0.000000000 start", "t=0.000000000 pid " + pid, "t=1.000000000 end"});
      } else if (mode == "record" || mode == "record_mismatch") {
        result["trace"] = json::array({{{"kind", "record"}, {"name", "a"}, {"t", 0.0}}});
      }
      send(result);
    } else {
      send({{"op", "error"}, {"seq", req.value("seq", json())}, {"message", "unknown op"}});
    }
  }
  return 0;
}
