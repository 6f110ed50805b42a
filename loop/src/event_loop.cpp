// EventLoop: construction, running and stopping, closing (base_events.py: run_forever, stop,
// close, _check_closed, _check_running; selector_events.py: close).
#include "aio/event_loop.h"

#include "aio/logging.h"

namespace aio {

namespace {
thread_local EventLoop* running_loop = nullptr;
}  // namespace

EventLoop* get_running_loop_or_null() noexcept { return running_loop; }

EventLoop& get_running_loop() {
  if (!running_loop) throw RuntimeError("no running event loop");
  return *running_loop;
}

EventLoop::EventLoop(Seams seams)
    : clock_(std::move(seams.clock)),
      selector_(std::move(seams.selector)),
      os_(std::move(seams.os)),
      clock_resolution_(0.0) {
  if (!clock_ || !selector_ || !os_) throw ValueError("EventLoop needs a clock, a selector and an os");
  clock_resolution_ = clock_->resolution();
  // DBG-01: debug mode starts on when the environment variable is set and non-empty.
  std::optional<std::string> env = os_->getenv(DEBUG_ENV_VAR);
  debug_.store(env && !env->empty(), std::memory_order_relaxed);
  if (log_enabled(LogLevel::debug))
    log(LogLevel::debug, "Using selector: " + std::string(selector_->name()));  // DBG-06
}

EventLoop::~EventLoop() {
  if (!is_closed() && !is_running()) close();
  release_all();
}

void EventLoop::throw_closed() { throw RuntimeError("Event loop is closed"); }

bool EventLoop::is_running() const noexcept {
  return thread_id_.load(std::memory_order_acquire) != std::thread::id{};
}

void EventLoop::check_running() const {
  if (is_running()) throw RuntimeError("This event loop is already running");  // RUN-05
  if (running_loop != nullptr)
    throw RuntimeError("Cannot run the event loop while another loop is running");  // RUN-06
}

void EventLoop::check_thread() const {
  // DBG-03: only while running, and only from another thread.
  std::thread::id owner = thread_id_.load(std::memory_order_acquire);
  if (owner == std::thread::id{}) return;
  if (owner != std::this_thread::get_id())
    throw RuntimeError(
        "Non-thread-safe operation invoked on an event loop other than the current one");
}

void EventLoop::run_forever() {
  check_closed();
  check_running();
  thread_id_.store(std::this_thread::get_id(), std::memory_order_release);
  running_loop = this;
  // RUN-04: reset on every exit, exceptions included.
  struct Reset {
    EventLoop* loop;
    ~Reset() {
      loop->stopping_.store(false, std::memory_order_relaxed);
      loop->thread_id_.store(std::thread::id{}, std::memory_order_release);
      running_loop = nullptr;
    }
  } reset{this};
  for (;;) {
    run_once();
    if (stopping_.load(std::memory_order_relaxed)) break;
  }
}

void EventLoop::stop() { stopping_.store(true, std::memory_order_relaxed); }

void EventLoop::close() {
  if (is_running()) throw RuntimeError("Cannot close a running event loop");  // CLS-01
  if (is_closed()) return;                                                    // CLS-02
  if (get_debug() && log_enabled(LogLevel::debug)) log(LogLevel::debug, "Close " + repr());
  {
    // After this, call_soon_threadsafe raises and never touches the selector again.
    std::lock_guard<std::mutex> lock(threadsafe_mutex_);
    closed_.store(true, std::memory_order_relaxed);
  }
  release_all();  // CLS-03: dropped, not cancelled
  selector_->close();
}

void EventLoop::release_all() noexcept {
  drain_threadsafe_if_pending();
  while (!ready_.empty()) detail::release(ready_.pop_front());
  timers_.clear();
  for (FdEntry& entry : fds_) {
    if (entry.reader) detail::release(entry.reader);
    if (entry.writer) detail::release(entry.writer);
    entry = FdEntry{};
  }
  fds_.clear();
}

void EventLoop::enqueue_threadsafe(detail::HandleState* h) {
  std::lock_guard<std::mutex> lock(threadsafe_mutex_);
  if (is_closed()) {
    h->refs = 1;
    detail::release(h);
    throw_closed();
  }
  // One wake-up per batch handed over: a non-empty list already has one on its way.
  const bool first = threadsafe_.empty();
  threadsafe_.push_back(h);
  threadsafe_pending_.store(true, std::memory_order_release);
  if (first) selector_->wakeup();
}

void EventLoop::drain_threadsafe() noexcept {
  std::lock_guard<std::mutex> lock(threadsafe_mutex_);
  for (detail::HandleState* h : threadsafe_) ready_.push_back(h);
  threadsafe_.clear();
  threadsafe_pending_.store(false, std::memory_order_relaxed);
}

void EventLoop::schedule_timer(detail::HandleState* timer, double when) {
  detail::TimerState* t = detail::as_timer(timer);
  t->loop = this;
  t->when = when;
  timers_.push(t, timer_seq_++);
}

void EventLoop::timer_handle_cancelled(detail::HandleState*) noexcept { timers_.on_cancelled(); }

Handle EventLoop::current_handle() const {
  if (!current_handle_) return Handle{};
  current_handle_->add_ref();
  return Handle::adopt(current_handle_);
}

std::string EventLoop::repr() const {
  return std::string("<EventLoop running=") + (is_running() ? "True" : "False") +
         " closed=" + (is_closed() ? "True" : "False") + " debug=" +
         (get_debug() ? "True" : "False") + ">";
}

}  // namespace aio
