#pragma once
// The trace: the single observation channel of a run (README section 5). Events are appended
// under a lock, in the order they happen, from any thread; each gets `t`, the loop time since
// t0. Once closed (after the program's last step) nothing more is recorded.
// Event texts are made build-independent, or the simulator's fingerprints would differ between
// builds: source paths (a Handle's repr names its callback's C++ call site) are shown relative
// to the repository root, whatever path the compiler was given (absolute, or relative under
// ccache's base_dir); and a coroutine's location in a Task repr ("coro=<f() running at
// file:line>") loses its line, which is the compiler's choice (the promise captures it in a
// default argument: gcc gives the function's closing brace, clang its first line).

#include <functional>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace loopcheck::aio_adapter {

// Python's round(x, 9), which the reference driver applies to times.
double round9(double seconds);

// `text` with every occurrence of this build's path to the repository root removed, and the
// line of each coroutine location ("running at F:N", "defined at F:N") dropped.
std::string build_independent(std::string text);

class Trace {
 public:
  explicit Trace(std::function<double()> elapsed) : elapsed_(std::move(elapsed)) {}

  // Appends {"kind": kind, ...fields, "t": elapsed}.
  void emit(const char* kind, nlohmann::json fields);
  void close();
  nlohmann::json events() const;

 private:
  std::function<double()> elapsed_;
  mutable std::mutex mutex_;
  nlohmann::json events_ = nlohmann::json::array();
  bool open_ = true;
};

}  // namespace loopcheck::aio_adapter
