#pragma once
// Host: what differs between the two backends a scenario runs on: the seams, how a step "takes
// time" (`block`), and how a scenario `thread` runs.
//
// native: the real kernel (epoll, CLOCK_MONOTONIC, POSIX pipes); `block` sleeps; a thread is
//   a std::thread that sleeps `delay` real seconds, then runs its steps.
// sim: an aio::sim::World; `block` moves the virtual clock. A thread is a world event due at
//   once, so it runs when the loop would next wait (inside select(), at the virtual instant
//   the loop was waiting at: README section 7), or earlier if a step joins it. Its steps run
//   on a helper std::thread that the caller joins at once: nothing runs concurrently (the run
//   stays deterministic), yet the steps run on another thread, as the loop's thread checks
//   (debug mode) and its "running loop" need. Threads due together run in order of `delay`.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "aio/seams.h"
#include "aio/sim/world.h"
#include "loopcheck/aio_adapter.h"

namespace loopcheck::aio_adapter {

// Real seconds a join_thread step waits for a thread (as the Python driver).
inline constexpr double kThreadJoinTimeout = 10.0;

struct ScenarioThread {
  enum class State { pending, running, done };
  std::string id;
  double delay = 0;
  std::uint64_t seq = 0;
  std::function<void()> body;

  std::mutex mutex;
  std::condition_variable changed;
  State state = State::pending;
  std::thread::id runner;  // the thread running the body, once it runs
  std::thread thread;      // native only
};

class Host {
 public:
  virtual ~Host() = default;
  virtual bool virtual_time() const = 0;
  virtual aio::Seams seams() = 0;
  // The simulated world (sim), or nullptr (native).
  virtual const aio::sim::World* world() const { return nullptr; }
  // The current step takes `seconds`.
  virtual void block(double seconds) = 0;
  // A scenario thread that will run `body` (which must not throw), not started yet.
  std::shared_ptr<ScenarioThread> make_thread(std::string id, double delay, std::function<void()> body);
  // Starts it: from here on it may run at any time (native) or when the loop waits (sim).
  virtual void launch(std::shared_ptr<ScenarioThread> thread) = 0;
  // Waits for the thread (native: at most kThreadJoinTimeout). RuntimeError when a thread
  // joins itself.
  virtual void join_thread(ScenarioThread& thread) = 0;
  // End of the run: native waits for every thread; sim forgets the threads that never ran.
  virtual void finish_threads() = 0;

 private:
  std::atomic<std::uint64_t> next_seq_{0};
};

std::unique_ptr<Host> make_host(const AdapterOptions& options);

}  // namespace loopcheck::aio_adapter
