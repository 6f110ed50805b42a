// tasks._cancel_and_wait, used by wait_for.
#include "aio/wait_for.h"

namespace aio::detail {

Coro<void> cancel_and_wait(FutureBase future) {
  Future<void> waiter = future.get_loop().create_future();
  const ReleaseWaiter release{waiter};
  future.add_done_callback(release);
  struct Remove {
    FutureBase& future;
    const ReleaseWaiter& release;
    ~Remove() { future.remove_done_callback(release); }
  } remove{future, release};
  future.cancel();
  co_await waiter;
}

}  // namespace aio::detail
