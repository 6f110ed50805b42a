// EventLoop: construction, running and stopping, closing (base_events.py: run_forever, stop,
// close, _check_closed, _check_running; selector_events.py: close).
#include "aio/event_loop.h"

#include <algorithm>

#include "aio/executor.h"
#include "aio/logging.h"
#include "aio/task.h"

namespace aio {

namespace {
thread_local EventLoop* running_loop = nullptr;

// Every EventLoop alive, for objects that may outlive theirs (EventLoop::is_alive).
struct LiveLoops {
  std::mutex mutex;
  std::vector<const EventLoop*> loops;
};
LiveLoops& live_loops() {
  static LiveLoops* live = new LiveLoops();  // never destroyed: futures may outlive statics
  return *live;
}
}  // namespace

bool EventLoop::is_alive(const EventLoop* loop) noexcept {
  LiveLoops& live = live_loops();
  std::lock_guard<std::mutex> lock(live.mutex);
  return std::find(live.loops.begin(), live.loops.end(), loop) != live.loops.end();
}

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
  inbox_ = std::make_shared<detail::ThreadsafeInbox>(selector_);
  clock_resolution_ = clock_->resolution();
  equal_time_key_ = clock_->equal_time_order();
  {
    LiveLoops& live = live_loops();
    std::lock_guard<std::mutex> lock(live.mutex);
    live.loops.push_back(this);
  }
  // DBG-01: debug mode starts on when the environment variable is set and non-empty.
  std::optional<std::string> env = os_->getenv(DEBUG_ENV_VAR);
  debug_.store(env && !env->empty(), std::memory_order_relaxed);
  if (log_enabled(LogLevel::debug))
    log(LogLevel::debug, "Using selector: " + std::string(selector_->name()));  // DBG-06
}

EventLoop::~EventLoop() {
  if (!is_closed() && !is_running()) close();
  inbox_->close();
  release_all();
  drop_task_frames();
  // The last reference cycles (a task and the future it awaits) are broken now; a task that
  // dies of it is reported through this loop's handler; one still referenced elsewhere
  // outlives the loop and reports to the log from then on.
  while (detail::TaskCore* task = tasks_head_) {
    task->add_ref();
    unregister_task(task);
    task->unregistered();
    task->forget_waiter();
    if (task->refs > 1) task->detach_from_loop();
    task->release();
  }
  {
    LiveLoops& live = live_loops();
    std::lock_guard<std::mutex> lock(live.mutex);
    live.loops.erase(std::find(live.loops.begin(), live.loops.end(), this));
  }
  // Executors shut down by close() are waited for here, not in close() (CLS-04).
  retired_executors_.clear();
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
  closed_.store(true, std::memory_order_relaxed);
  inbox_->close();  // from now on call_soon_threadsafe raises and never wakes the selector
  release_all();    // CLS-03: dropped, not cancelled
  drop_task_frames();
  selector_->close();
  // CLS-04: the default executor is shut down without waiting.
  executor_shutdown_called_ = true;
  if (default_executor_) {
    default_executor_->shutdown(/*wait=*/false);
    retired_executors_.push_back(std::move(default_executor_));
  }
}

// Pending tasks can never run again: their frames go, and with them what the frames hold,
// which may be the last references to other tasks (task -> frame -> future -> task cycles).
// A task's awaited future stays until the loop is destroyed (see ~EventLoop).
void EventLoop::drop_task_frames() noexcept {
  std::vector<detail::TaskCore*> pending;
  for (detail::TaskCore* t = tasks_head_; t != nullptr; t = t->next_task) {
    if (t->done()) continue;
    t->add_ref();
    pending.push_back(t);
  }
  for (detail::TaskCore* t : pending) t->drop_frame();
  for (detail::TaskCore* t : pending) t->release();
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
  if (!inbox_->post(h)) {
    h->refs = 1;
    detail::release(h);
    throw_closed();
  }
}

void EventLoop::drain_threadsafe() noexcept { inbox_->drain(ready_); }

void EventLoop::throw_entering_task(detail::TaskCore* task) const {
  throw RuntimeError("Cannot enter into task " + task->repr() + " while another task " +
                     current_task_->repr() + " is being executed.");
}

void EventLoop::register_task(detail::TaskCore* task) noexcept {
  task->prev_task = tasks_tail_;
  task->next_task = nullptr;
  (tasks_tail_ ? tasks_tail_->next_task : tasks_head_) = task;
  tasks_tail_ = task;
}

void EventLoop::unregister_task(detail::TaskCore* task) noexcept {
  (task->prev_task ? task->prev_task->next_task : tasks_head_) = task->next_task;
  (task->next_task ? task->next_task->prev_task : tasks_tail_) = task->prev_task;
  task->prev_task = task->next_task = nullptr;
}

void EventLoop::schedule_timer(detail::HandleState* timer, double when) {
  detail::TimerState* t = detail::as_timer(timer);
  t->loop = this;
  t->when = when;
  std::uint64_t seq = timer_seq_++;
  if (equal_time_key_ != 0) [[unlikely]]
    seq = detail::TimerQueue::permuted_seq(seq, equal_time_key_);  // chaos mode: ties permuted
  timers_.push(t, seq);
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
