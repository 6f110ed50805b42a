#pragma once
// aio::Executor: where run_in_executor runs blocking functions (the role of
// concurrent.futures.Executor). The loop only submits work to it and shuts it down; threads
// live in the implementations: ThreadPoolExecutor (real threads, aio/thread_pool_executor.h)
// and, in the simulator, aio::sim::SimExecutor (work done at seeded virtual times, no threads).
// The loop's default executor comes from its Os seam (Os::new_thread_pool).

#include <exception>
#include <functional>
#include <string_view>

namespace aio {

class Executor {
 public:
  virtual ~Executor() = default;
  // The class name, as Python would show it ("ThreadPoolExecutor").
  virtual std::string_view name() const = 0;
  // Runs `work` later on a worker. RuntimeError("cannot schedule new futures after shutdown")
  // once shut down. `work` must not throw.
  virtual void submit(std::function<void()> work) = 0;
  // Stops taking work. wait: returns once everything submitted has run. cancel_futures: work
  // not started is dropped. Idempotent.
  virtual void shutdown(bool wait = true, bool cancel_futures = false) = 0;
  // shutdown(wait=true) without blocking the caller: done elsewhere (a helper thread; a world
  // event in the simulator), which then calls done(error) there (null: no error). Used by
  // loop.shutdown_default_executor() (THR-07).
  virtual void shutdown_in_background(std::function<void(std::exception_ptr)> done) = 0;
};

}  // namespace aio
