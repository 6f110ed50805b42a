#pragma once
// aio::sim::SimExecutor: the simulator's executor (what run_in_executor runs on inside a
// World). No threads: each piece of work is done by a world event at a virtual time drawn from
// the world's seed (a labelled stream per executor), so a run replays exactly. Work finishes in
// submission order, each within `max_latency` of the previous one's start, as a busy pool of
// workers would; results reach the loop through call_soon_threadsafe, as from a real worker.
// The work runs on the loop's thread (inside SimSelector::select), in an empty context as a new
// worker thread's; what is per thread (debug mode's thread check, get_running_loop) sees the
// loop's thread. Must not start threads, read a real clock, or block.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "aio/executor.h"
#include "aio/sim/random.h"

namespace aio::sim {

class World;
namespace detail {
struct WorldState;
}

class SimExecutor final : public Executor {
 public:
  // Latency of each piece of work: uniform in [0, max_latency) seconds of virtual time.
  static constexpr double kDefaultMaxLatency = 0.001;

  SimExecutor(World& world, std::string label, double max_latency = kDefaultMaxLatency);
  SimExecutor(std::shared_ptr<detail::WorldState> world, std::string label,
              double max_latency = kDefaultMaxLatency);
  ~SimExecutor() override;

  std::string_view name() const override { return "SimExecutor"; }
  void submit(std::function<void()> work) override;
  // wait: the work not yet done is done now, in order (virtual time does not move).
  void shutdown(bool wait = true, bool cancel_futures = false) override;
  // Done by a world event after the last piece of work.
  void shutdown_in_background(std::function<void(std::exception_ptr)> done) override;

  std::size_t pending() const noexcept { return jobs_->queue.size(); }

 private:
  struct Jobs {
    std::deque<std::function<void()>> queue;  // in submission order
    void run_first();
  };

  std::shared_ptr<detail::WorldState> world_;
  std::string label_;
  double max_latency_;
  Random random_;
  std::shared_ptr<Jobs> jobs_;
  double last_time_ = 0.0;  // when the last piece of work is due
  bool shutdown_ = false;
};

}  // namespace aio::sim
