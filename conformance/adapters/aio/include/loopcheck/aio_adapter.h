#pragma once
// The loopcheck interpreter of the scenario language (scenarios/README.md, version 1) on aio:
// runs one scenario, given as JSON exactly as it travels in the protocol's `run` message
// (conformance/PROTOCOL.md), on a fresh aio::EventLoop, and returns the protocol's run
// result as JSON: {status, trace, final, error?, duration, fingerprint?, trace_world?}.
//
//   loopcheck::aio_adapter::AdapterOptions options{.backend = Backend::sim, .seed = 7};
//   nlohmann::json result = loopcheck::aio_adapter::run_scenario(scenario, options);
//
// Backends: `native` runs the loop on the real kernel (epoll, the monotonic clock, real pipes
// and real std::threads; times are real). `sim` runs it in an aio::sim::World built from
// `seed`: virtual time, exact and deterministic (same seed, same trace). On sim a scenario
// `thread` is a world event that runs its body on a helper thread while the loop waits, at
// the virtual instant the loop was waiting at (README section 7, "Virtual time").
//
// Determinism (sim): every answer of a run carries `fingerprint`, FNV-1a 64 over the World's
// own trace (every select, world event and simulated thread) continued over the answer's
// status, message, scenario trace and final state: same seed, same fingerprint, on every
// build. `trace_world` adds the World's trace lines to the answer. `chaos` runs the World in
// chaos mode (sim/README.md): equal-time timers and simultaneously ready fds come in a
// per-seed order instead of aio's (FIFO, and the order in which fds became ready).
//
// run_scenario never throws: a bad scenario is status `invalid`, a bug in the adapter or an
// exception it did not expect is status `adapter_error`; both name the scenario.

#include <cstdint>
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

namespace loopcheck::aio_adapter {

enum class Backend { native, sim };

struct AdapterOptions {
  Backend backend = Backend::sim;
  std::uint64_t seed = 1;  // sim only: the World's seed
  // sim only: per-seed permutation of the orders the docs leave undefined (equal-time timers,
  // fd readiness order). On native, a run with chaos set answers adapter_error.
  bool chaos = false;
  bool trace_world = false;  // sim only: answer with the World's trace lines (`trace_world`)
};

// "native" or "sim"; throws std::invalid_argument for anything else.
Backend parse_backend(const std::string& name);
const char* backend_name(Backend backend) noexcept;

// The `ready` answer of the start handshake (protocol version 1): adapter and implementation
// names and versions, the capabilities of this backend, and its time mode.
nlohmann::json describe(const AdapterOptions& options);

// Validates, runs and cleans up one scenario. Never throws.
nlohmann::json run_scenario(const nlohmann::json& scenario, const AdapterOptions& options);

// The process protocol: reads requests (JSON lines) from `in`, writes one answer line per
// request to `out`, until `stop` or end of input. Returns the process exit status (0).
int serve(std::istream& in, std::ostream& out, const AdapterOptions& options);

}  // namespace loopcheck::aio_adapter
