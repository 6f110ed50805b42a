// Adapters: how the harness reaches an implementation under test.
//
// - `Adapter` is the in-process interface (PROTOCOL.md: "In-process adapters implement the
//   same three calls as a C++ interface and skip the transport"): describe() is the
//   protocol's `ready` answer, run() takes the scenario file's content as JSON and returns
//   the `result` answer's fields (status, trace, final, error, duration). The aio adapters
//   (`native` on epoll, `sim` on the simulator) implement it.
// - `Session` is what the runner drives, one per worker: start / run / stop with
//   deadlines, and a verdict on the transport itself (answer, CRASH, TIMEOUT, bad answer).
//   ProcessSession speaks the JSON-lines protocol to a child process (the Python driver,
//   any --adapter-cmd, or `loopcheck serve` wrapping an in-process adapter, which is how
//   in-process adapters are isolated by default); DirectSession calls an Adapter directly.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "loopcheck/json.h"

namespace loopcheck {

inline constexpr int kProtocolVersion = 1;

struct RunOptions {
  std::uint64_t seed = 1;  // for adapters with randomness (the simulator); others ignore it
  double deadline = 10.0;  // real seconds the harness will wait (informative)
  // Run options (PROTOCOL.md), sent only when set; an adapter lists those it honours in its
  // ready answer's `run_options`.
  bool chaos = false;        // permute the orders the docs leave undefined, per seed
  bool trace_world = false;  // answer with the simulator's own trace lines too
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  // The `ready` message: {op: ready, protocol, language, adapter, implementation,
  // capabilities, time}.
  virtual Json describe() = 0;
  // Runs one scenario on a fresh loop: {status, trace, final, error?, duration?}.
  virtual Json run(const Json& scenario, const RunOptions& options) = 0;
};

// What happened to one request, seen from the harness.
struct Outcome {
  enum Kind { kAnswer, kCrash, kTimeout, kBadAnswer } kind = kAnswer;
  Json result;         // kAnswer: the adapter's answer (op result or op error)
  std::string detail;  // otherwise: why (exit status and stderr tail, deadline, parse error)
};

class Session {
 public:
  virtual ~Session() = default;
  // Starts (or restarts) the adapter and returns its `ready` answer; throws
  // std::runtime_error with a clear message if it does not start.
  virtual Json start() = 0;
  virtual Outcome run(const Json& scenario, const Json& seq, const RunOptions& options) = 0;
  // Ends the adapter politely (stop, then kill after the deadline).
  virtual void stop() = 0;
  // Kills the adapter after a CRASH, TIMEOUT or out-of-step answer; start() restarts it.
  virtual void kill() = 0;
  virtual bool started() const = 0;
};

// Checks a `ready` answer against the protocol; empty if fine, else the problem.
std::string check_ready(const Json& ready);
// Checks a `result` answer (op, seq, status, trace events, final); empty if fine.
std::string check_result(const Json& result, const Json& seq);

struct ProcessOptions {
  std::vector<std::string> argv;
  std::string stderr_path;     // appended to; empty: /dev/null
  double start_deadline = 30;  // PROTOCOL.md deadlines
  double stop_deadline = 5;
};
std::unique_ptr<Session> make_process_session(ProcessOptions options);
std::unique_ptr<Session> make_direct_session(std::shared_ptr<Adapter> adapter);

// Serves the protocol for an in-process adapter on stdin/stdout until `stop` or end of
// input (`loopcheck serve`). Moves fd 1 onto stderr first, so that only protocol lines
// reach stdout. `seed` is used for runs that do not carry one.
int serve_protocol(Adapter& adapter, std::uint64_t seed);

}  // namespace loopcheck
