// The default event loop policy's basics (events.py: get_event_loop, set_event_loop,
// new_event_loop) and run()'s default seams. In aio_default: it makes loops on the real kernel.
#include <sstream>
#include <thread>

#include "aio/real_seams.h"
#include "aio/runners.h"

namespace aio {

namespace {

// Static initialisation runs on the main thread, before main().
const std::thread::id main_thread_id = std::this_thread::get_id();

struct ThreadLoop {
  EventLoop* loop = nullptr;
  bool set_called = false;
};
thread_local ThreadLoop current;

std::string thread_name() {
  if (std::this_thread::get_id() == main_thread_id) return "MainThread";
  std::ostringstream out;
  out << "Thread-" << std::this_thread::get_id();
  return out.str();
}

}  // namespace

EventLoop& get_event_loop() {
  if (EventLoop* running = get_running_loop_or_null()) return *running;
  if (!current.loop && !current.set_called && std::this_thread::get_id() == main_thread_id) {
    static std::unique_ptr<EventLoop> made = new_event_loop();  // FUT-12: no warning in 3.11.2
    current.loop = made.get();
  }
  if (!current.loop)
    throw RuntimeError("There is no current event loop in thread '" + thread_name() + "'.");
  return *current.loop;
}

void set_event_loop(EventLoop* loop) {
  current.set_called = true;
  current.loop = loop;
}

std::unique_ptr<EventLoop> new_event_loop() { return std::make_unique<EventLoop>(real_seams()); }

namespace detail {
Seams default_seams() { return real_seams(); }
}  // namespace detail

}  // namespace aio
