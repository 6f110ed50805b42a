// SimExecutor: executor work as world events at seeded virtual times.
#include "aio/sim/sim_executor.h"

#include <algorithm>

#include "aio/context.h"
#include "aio/errors.h"
#include "aio/sim/hash.h"
#include "aio/sim/world.h"
#include "world_state.h"

namespace aio::sim {

void SimExecutor::Jobs::run_first() {
  if (queue.empty()) return;  // done already, by shutdown(wait=true)
  std::function<void()> work = std::move(queue.front());
  queue.pop_front();
  // A worker thread starts in an empty context, whatever the program set in its own; here
  // the work runs on the loop's thread (inside select), so it gets one explicitly.
  aio::detail::ContextData empty;
  aio::detail::EnteredContext entered(empty);
  work();
}

SimExecutor::SimExecutor(World& world, std::string label, double max_latency)
    : SimExecutor(world.state(), std::move(label), max_latency) {}

SimExecutor::SimExecutor(std::shared_ptr<detail::WorldState> world, std::string label,
                         double max_latency)
    : world_(std::move(world)),
      label_(std::move(label)),
      max_latency_(max_latency),
      random_(splitmix64_mix(splitmix64_mix(world_->seed) ^ fnv1a64("executor:" + label_))),
      jobs_(std::make_shared<Jobs>()) {
  if (!(max_latency_ >= 0.0)) throw ValueError("max_latency must be >= 0");
}

SimExecutor::~SimExecutor() = default;

void SimExecutor::submit(std::function<void()> work) {
  if (shutdown_) throw RuntimeError("cannot schedule new futures after shutdown");
  const double start = std::max(world_->clock.now(), last_time_);
  last_time_ = start + random_.uniform(0.0, max_latency_);
  jobs_->queue.push_back(std::move(work));
  // Events run in (when, insertion) order and times never decrease: the event that fires
  // runs the oldest piece of work.
  world_->events.push(last_time_, [jobs = jobs_] { jobs->run_first(); }, label_);
}

void SimExecutor::shutdown(bool wait, bool cancel_futures) {
  shutdown_ = true;
  if (cancel_futures) jobs_->queue.clear();
  if (wait)
    while (!jobs_->queue.empty()) jobs_->run_first();
}

void SimExecutor::shutdown_in_background(std::function<void(std::exception_ptr)> done) {
  shutdown_ = true;
  const double when = std::max(world_->clock.now(), last_time_);
  world_->events.push(when, [jobs = jobs_, done = std::move(done)] {
    std::exception_ptr error;
    try {
      while (!jobs->queue.empty()) jobs->run_first();
    } catch (...) {
      error = std::current_exception();
    }
    done(error);
  }, label_ + " shutdown");
}

}  // namespace aio::sim
