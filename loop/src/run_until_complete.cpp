// run_until_complete's untyped part (base_events.py: run_until_complete and
// _run_until_complete_cb).
#include "aio/future.h"

namespace aio {

namespace {

// _run_until_complete_cb: stops the loop, unless the future ended with SystemExit or
// KeyboardInterrupt, which leave run_forever by themselves (RUN-14). A named, comparable
// callable: it is removed again, and shows by name in reprs.
struct RunUntilCompleteCb {
  void operator()(FutureBase& future) const {
    if (!future.cancelled()) {
      std::exception_ptr error = future.exception();
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const BaseException&) {
          return;
        } catch (...) {
        }
      }
    }
    future.get_loop().stop();
  }
  friend bool operator==(RunUntilCompleteCb, RunUntilCompleteCb) noexcept { return true; }
  static const char* name() noexcept { return "_run_until_complete_cb"; }
};

}  // namespace

void EventLoop::run_until_complete_base(const FutureBase& awaited, bool new_task) {
  check_closed();
  check_running();
  FutureBase future = awaited;
  if (future.core()->loop != this)  // RUN-10
    throw ValueError("The future belongs to a different loop than the one specified as the loop argument");
  future.add_done_callback(RunUntilCompleteCb{});  // RUN-11: queued at once when done
  try {
    run_forever();
  } catch (...) {
    // RUN-16: the exception of a task made here is read, so that it is not reported as
    // never retrieved.
    if (new_task && future.done() && !future.cancelled()) future.exception();
    future.remove_done_callback(RunUntilCompleteCb{});
    throw;
  }
  future.remove_done_callback(RunUntilCompleteCb{});
  if (!future.done()) throw RuntimeError("Event loop stopped before Future completed.");  // RUN-12
}

}  // namespace aio
