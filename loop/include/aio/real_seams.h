#pragma once
// The real seams by name: the factories an application (or a test that must touch the kernel)
// uses to build a loop on epoll, poll or select with the real clock and OS. Part of the real
// backend; the loop core never includes this file.

#include <memory>
#include <string_view>

#include "aio/seams.h"
#include "aio/selector.h"

namespace aio {

// A new real selector: "epoll" (EpollSelector), "poll" (PollSelector) or "select"
// (SelectSelector). Throws ValueError naming the valid choices for any other name, and
// OSError if the kernel refuses the selector's fds.
std::shared_ptr<Selector> make_selector(std::string_view name = "epoll");

// {MonotonicClock, make_selector(selector), PosixOs}. The clock and the Os are process-wide
// (they hold no state); the selector is new for each call.
Seams real_seams(std::string_view selector = "epoll");

}  // namespace aio
