// asyncio.run's shutdown (runners.py: Runner.close, _cancel_all_tasks).
#include "aio/runners.h"

#include "aio/gather.h"
#include "aio/task.h"

namespace aio::detail {

namespace {

void cancel_all_tasks(EventLoop& loop) {
  std::vector<TaskBase> to_cancel = all_tasks(&loop);
  if (to_cancel.empty()) return;
  for (TaskBase& task : to_cancel) task.cancel();
  loop.run_until_complete(
      gather(std::vector<FutureBase>(to_cancel.begin(), to_cancel.end()), return_exceptions));
  for (TaskBase& task : to_cancel) {
    if (task.cancelled()) continue;
    if (std::exception_ptr error = task.exception()) {
      ExceptionContext context;
      context.message = "unhandled exception during asyncio.run() shutdown";
      context.exception = error;
      context.task = std::make_shared<ReprObject>(task.repr());
      loop.call_exception_handler(context);
    }
  }
}

}  // namespace

void close_runner(EventLoop& loop) {
  struct Finally {
    EventLoop& loop;
    ~Finally() {
      set_event_loop(nullptr);
      loop.close();
    }
  } finally{loop};
  cancel_all_tasks(loop);
  loop.run_until_complete(loop.shutdown_default_executor());
}

}  // namespace aio::detail
