// The loop's default executor (base_events.py: run_in_executor's default, set_default_executor,
// shutdown_default_executor). Threads belong to the executor the Os seam makes, never to the
// loop core.
#include "aio/executor.h"
#include "aio/future.h"

namespace aio {

Executor& EventLoop::default_executor() {
  if (executor_shutdown_called_) throw RuntimeError("Executor shutdown has been called");  // THR-05
  if (!default_executor_) default_executor_ = os_->new_thread_pool("asyncio");  // THR-04
  return *default_executor_;
}

void EventLoop::set_default_executor(std::shared_ptr<Executor> executor) {
  if (!executor) throw TypeError("executor must be ThreadPoolExecutor instance");  // THR-06
  default_executor_ = std::move(executor);  // the shutdown flag stays as it is
}

Coro<void> EventLoop::shutdown_default_executor() {
  executor_shutdown_called_ = true;
  if (!default_executor_) co_return;  // THR-07
  Future<void> done = create_future();
  done.core()->shared = true;  // the executor's helper holds it too
  default_executor_->shutdown_in_background(
      [done, inbox = inbox_](std::exception_ptr error) mutable {
        // Back on the loop through the inbox (call_soon_threadsafe), unless it closed.
        struct Finish {
          Future<void> future;
          std::exception_ptr error;
          void operator()() {
            if (future.done()) return;  // _set_result_unless_cancelled
            if (error)
              future.set_exception(error);
            else
              future.set_result();
          }
        };
        detail::HandleState* h = detail::make_handle(detail::HandleKind::handle, true, false,
                                                     Location{}, Finish{std::move(done), error});
        if (!inbox->post(h)) detail::release(h);
      });
  co_await done;
}

}  // namespace aio
