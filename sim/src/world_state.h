#pragma once
// aio::sim::detail::WorldState: everything one simulated world owns (clock, OS, schedule,
// trace, seed), held by shared_ptr so that seams handed to a loop keep it alive after the
// World object is gone. Private to the simulator; World is its public face.
// Must not hold anything real (fds, threads, clocks).

#include <cstdint>
#include <string_view>

#include "aio/sim/sim_os.h"
#include "aio/sim/trace.h"
#include "aio/sim/virtual_clock.h"
#include "world_events.h"

namespace aio::sim::detail {

struct WorldState final {
  WorldState(std::uint64_t world_seed, bool chaos_mode) : seed(world_seed), chaos(chaos_mode) {}

  void trace(std::string_view event) { trace_log.append(clock.now(), event); }

  // Runs, in (when, seq) order, every event due at the current time, including events those
  // events schedule for a time not after now. Labelled events are traced as "event <label>".
  // An exception from an event propagates; the event has already been removed.
  void run_due_events();

  std::uint64_t seed;
  bool chaos;
  VirtualClock clock;
  SimOs os;
  WorldEvents events;
  Trace trace_log;
};

}  // namespace aio::sim::detail
