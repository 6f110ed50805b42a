// Fuzz target aio_serve: bytes as the request lines the aio adapter reads
// (loopcheck-aio-adapter's serve(), conformance/adapters/aio/src/protocol.cpp), on the sim
// backend: JSON-lines framing, the start handshake, run requests whose scenarios go
// through the adapter's own validator and interpreter on aio::sim, stop.
// Invariants: serve() never throws; it answers every non-blank request line up to `stop`
// with one JSON line; each answer is one the harness accepts (check_ready for `ready`,
// check_result for `result` and `error`), with the request's seq.
// Not fuzzed here, to keep every run short: `repeat` counts are clamped (product along a
// nesting at most 16; the language allows 1000 per level, by design a long run), and run
// requests using fd readiness callbacks (add_reader/add_writer fire on every iteration
// until removed, so a fuzzed program can run forever: the harness's TIMEOUT, not a bug).
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "loopcheck/adapter.h"
#include "loopcheck/aio_adapter.h"

namespace lf = loopcheck::fuzz;
namespace aa = loopcheck::aio_adapter;
using nlohmann::json;

namespace {

constexpr long long kRepeatBudget = 16;

// Clamps `repeat` counts so that nested repeats run at most kRepeatBudget times in all;
// false if the value uses fd readiness callbacks.
bool tame(json& v, long long budget) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it.key() == "add_reader" || it.key() == "add_writer") return false;
      long long inner = budget;
      if (it.key() == "repeat" && it->is_object() && it->contains("times") && (*it)["times"].is_number_integer()) {
        const long long times = (*it)["times"].get<long long>();
        if (times > budget) (*it)["times"] = budget;
        inner = times >= 1 ? std::max(1LL, budget / std::min(times, budget)) : budget;
      }
      if (!tame(*it, inner)) return false;
    }
  } else if (v.is_array()) {
    for (auto& x : v)
      if (!tame(x, budget)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The request lines, with run requests made short (see above).
  std::string input;
  std::vector<json> requests;  // parsed non-blank lines, null when not JSON
  for (auto& line : lf::split_lines(lf::as_text(data, size))) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json req = json::parse(line, nullptr, false);
    if (req.is_object() && req.contains("scenario")) {
      if (!tame(req["scenario"], kRepeatBudget)) continue;
      line = req.dump();
    }
    requests.push_back(req.is_discarded() ? json() : req);
    input += line + "\n";
  }

  std::istringstream in(input);
  std::ostringstream out;
  aa::AdapterOptions options;
  options.backend = aa::Backend::sim;
  try {
    lf::require(aa::serve(in, out, options) == 0, "serve() returned non-zero");
  } catch (const std::exception& e) {
    lf::fail("serve() threw", e.what());
  }

  const auto answers = lf::split_lines(out.str());
  lf::require(!answers.empty() && answers.back().empty(), "the last answer does not end with a newline");
  std::size_t k = 0;
  for (; k + 1 < answers.size(); ++k) {
    lf::require(k < requests.size(), "more answers than requests", out.str().substr(0, 500));
    const auto a = loopcheck::Json::parse(answers[k], nullptr, false);
    lf::require(!a.is_discarded() && a.is_object(), "an answer is not a JSON object", answers[k]);
    const json& req = requests[k];
    const std::string op = a.value("op", "");
    const std::string asked = req.is_object() && req.contains("op") && req["op"].is_string() ? req["op"].get<std::string>() : "";
    std::string problem;
    if (op == "ready") {
      lf::require(asked == "start", "a ready answer to " + asked);
      problem = loopcheck::check_ready(a);
    } else if (op == "result") {
      lf::require(asked == "run", "a result answer to " + asked);
      problem = loopcheck::check_result(a, loopcheck::from_plain(req.value("seq", json())));
    } else if (op == "error") {
      lf::require(a.contains("message") && a["message"].is_string(), "an error answer without a message", answers[k]);
    } else {
      lf::require(op == "stopped" && asked == "stop", "an unknown answer", answers[k]);
      lf::require(k + 2 == answers.size(), "answers after stopped");
    }
    lf::require(problem.empty(), "an answer the harness rejects: " + problem, answers[k].substr(0, 2000));
  }
  const bool stopped = k > 0 && answers[k - 1].find("\"stopped\"") != std::string::npos;
  lf::require(stopped || k == requests.size(), "a request without an answer", input.substr(0, 500));
  return 0;
}
