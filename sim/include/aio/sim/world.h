#pragma once
// aio::sim::World: one deterministic simulated world, driven by one seed. It owns the virtual
// clock, the simulated OS, the schedule of world events, the labelled random streams and the
// trace, and hands out aio::Seams so that one or more event loops run inside it.
// Must not read a real clock, make system calls, start threads, or let anything observable
// depend on addresses or hash order: a seed must replay identically on every build.
//
// Lifetime: World is a handle on shared state; seams() and make_selector() share ownership
// of it, so a loop may outlive the World object that made its seams.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aio/seams.h"
#include "aio/sim/random.h"
#include "aio/sim/sim_os.h"
#include "aio/sim/sim_selector.h"
#include "aio/sim/virtual_clock.h"

namespace aio::sim {

namespace detail {
struct WorldState;
}

struct WorldOptions {
  // Chaos mode: the orders the docs leave undefined come out in a per-seed order instead of
  // aio's: timers scheduled for exactly the same `when` (U-01; by the key VirtualClock hands
  // loops, from the stream "chaos.timers") and simultaneously ready fds (each SimSelector
  // shuffles its ready list with the stream "chaos.ready <trace name>"). Nothing else moves:
  // different `when`s, call_soon's FIFO, reader before writer on one fd (ORD-17), what one
  // iteration runs. Same seed, same orders.
  bool chaos = false;
};

class World final {
 public:
  explicit World(std::uint64_t seed, WorldOptions options = {});
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  std::uint64_t seed() const;
  bool chaos() const;
  VirtualClock& clock();
  SimOs& os();
  // clock().now(), for brevity.
  double now() const;

  // {this world's clock, a new SimSelector bound to this world, this world's os}. Several
  // loops may share one world, each with its own selector.
  Seams seams();
  std::shared_ptr<SimSelector> make_selector(std::string trace_name = "select");

  // A random stream for `label`, seeded by splitmix64(splitmix64(seed) ^ fnv1a64(label)): the
  // same label always gives the same stream, and a new label never shifts another's.
  Random random(std::string_view label) const;

  // Schedules fn to run at virtual time `when`, from inside SimSelector::select() when the
  // loop would otherwise wait (never from the loop's own callbacks). Events run in (when,
  // insertion) order; a `when` already past runs at the next select() that would wait. A
  // non-empty label is traced as "event <label>" when the event runs.
  // Throws aio::ValueError for a non-finite `when` or an empty fn.
  void call_at(double when, std::function<void()> fn, std::string label = {});
  void call_later(double delay, std::function<void()> fn, std::string label = {});
  // Number of scheduled world events not yet run.
  std::size_t pending_events() const;

  // Moves virtual time forward by `seconds`, as a callback that blocks or burns CPU would.
  // Does not run world events. Throws aio::ValueError for negative or non-finite seconds.
  void advance(double seconds);

  // Appends "t=<now, %.9f> <event>" to the trace and folds it into the fingerprint.
  void trace(std::string_view event);
  const std::vector<std::string>& trace_lines() const;
  std::uint64_t fingerprint() const;
  std::string fingerprint_hex() const;

  // The simulated environment read by os().getenv(); it starts empty.
  void setenv(const std::string& name, const std::string& value);
  void unsetenv(const std::string& name);

 private:
  friend class SimSelector;
  friend class SimExecutor;
  const std::shared_ptr<detail::WorldState>& state() const { return state_; }
  std::shared_ptr<detail::WorldState> state_;
};

}  // namespace aio::sim
