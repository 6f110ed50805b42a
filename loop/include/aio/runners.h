#pragma once
// aio::run (asyncio.run) and the event loop policy's basics: get_event_loop, set_event_loop,
// new_event_loop.
//
//   int main() { return aio::run(main_coro()); }                  // the real kernel (epoll)
//   aio::sim::World world(42);
//   aio::run(main_coro(), world.seams());                          // the same, on virtual time
//
// run() makes a new loop, runs the coroutine as a task until it is done, then shuts down as
// Runner.close does (RUN-19): cancels the tasks left and waits for them, reports those that
// failed ("unhandled exception during asyncio.run() shutdown"), shuts the default executor
// down, unsets the current loop and closes the loop. Async generators do not exist in C++, so
// there is nothing for shutdown_asyncgens to do.

#include <memory>
#include <optional>

#include "aio/coro.h"
#include "aio/event_loop.h"
#include "aio/run_until_complete.h"
#include "aio/seams.h"

namespace aio {

// The running loop, else this thread's current loop; in the main thread one is made on first
// use unless set_event_loop(nullptr) was called (FUT-12, 3.11.2 behaviour).
// RuntimeError("There is no current event loop in thread '...'.") otherwise.
EventLoop& get_event_loop();
// Sets this thread's current loop (not owned); nullptr unsets it.
void set_event_loop(EventLoop* loop);
// A new loop on the real kernel.
std::unique_ptr<EventLoop> new_event_loop();

namespace detail {
// Runner.close: the shutdown steps of RUN-19, then set_event_loop(nullptr) and close().
void close_runner(EventLoop& loop);
Seams default_seams();
}  // namespace detail

template <class T>
T run(Coro<T> main, Seams seams, std::optional<bool> debug = std::nullopt) {
  if (get_running_loop_or_null() != nullptr)  // RUN-18
    throw RuntimeError("asyncio.run() cannot be called from a running event loop");
  if (!main) throw ValueError("a coroutine was expected, got None");
  EventLoop loop(std::move(seams));
  if (debug) loop.set_debug(*debug);
  set_event_loop(&loop);
  std::exception_ptr error;
  std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> result;
  try {
    if constexpr (std::is_void_v<T>) {
      loop.run_until_complete(std::move(main));
      result.emplace(true);
    } else {
      result.emplace(loop.run_until_complete(std::move(main)));
    }
  } catch (...) {
    error = std::current_exception();
  }
  detail::close_runner(loop);  // `finally`: an error here replaces the coroutine's
  if (error) std::rethrow_exception(error);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

template <class T>
T run(Coro<T> main, std::optional<bool> debug = std::nullopt) {
  return run(std::move(main), detail::default_seams(), debug);
}

}  // namespace aio
