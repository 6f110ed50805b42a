// The real seams by name (see aio/real_seams.h).
#include "aio/real_seams.h"

#include <string>

#include "aio/epoll_selector.h"
#include "aio/errors.h"
#include "aio/monotonic_clock.h"
#include "aio/poll_selector.h"
#include "aio/posix_os.h"
#include "aio/select_selector.h"

namespace aio {

std::shared_ptr<Selector> make_selector(std::string_view name) {
  if (name == "epoll") return std::make_shared<EpollSelector>();
  if (name == "poll") return std::make_shared<PollSelector>();
  if (name == "select") return std::make_shared<SelectSelector>();
  throw ValueError("unknown selector '" + std::string(name) +
                   "': expected 'epoll', 'poll' or 'select'");
}

Seams real_seams(std::string_view selector) {
  static const std::shared_ptr<Clock> clock = std::make_shared<MonotonicClock>();
  static const std::shared_ptr<Os> os = std::make_shared<PosixOs>();
  return Seams{clock, make_selector(selector), os};
}

}  // namespace aio
