// BaseEventLoop (base_events.py), method by method.
#include "event_loop.h"

#include <algorithm>

#include "futures.h"
#include "heapq.h"
#include "tasks.h"

namespace loopcheck::refmodel {

std::vector<std::string> ExceptionContext::keys() const {
  std::vector<std::string> out;  // sorted
  if (context) out.push_back("context");
  if (exception) out.push_back("exception");
  if (handle) out.push_back("handle");
  out.push_back("message");
  return out;
}

EventLoop::EventLoop(TieBreak ties, Budget budget) : ties_(ties), budget_(budget) {}

EventLoop::~EventLoop() = default;

// TimerHandle.__lt__ compares `when` only; heapq's order for equal times follows from that.
// TieBreak::fifo adds the scheduling sequence, a total order.
bool EventLoop::timer_less(const TimerRef& a, const TimerRef& b) const {
  if (ties_ == TieBreak::heap) return a->when() < b->when();
  return a->when() < b->when() || (a->when() == b->when() && a->sequence() < b->sequence());
}

void EventLoop::give_up(const char* what) {
  throw Abort{"adapter_error",
              std::string("the model gave up: the run needs more than its budget of ") + what +
                  " (it does not seem to end; conformance/model/README.md, \"Limits\")"};
}

void EventLoop::check_closed() const {
  if (closed_) raise("RuntimeError", "Event loop is closed");
}

void EventLoop::check_running() const {
  if (is_running()) raise("RuntimeError", "This event loop is already running");
}

void EventLoop::run_forever() {
  check_closed();
  check_running();
  running_ = true;  // self._thread_id = threading.get_ident()
  struct Finally {  // finally: self._stopping = False; self._thread_id = None
    EventLoop* loop;
    ~Finally() {
      loop->stopping_ = false;
      loop->running_ = false;
    }
  } finally{this};
  while (true) {
    run_once();
    if (stopping_) break;
  }
}

namespace {

// base_events._run_until_complete_cb.
void run_until_complete_cb(Future* fut) {
  if (!fut->cancelled()) {
    Exc exc = fut->exception();
    // Issue #22429: run_forever() already finished, no need to stop it.
    if (is_exit(exc)) return;
  }
  fut->get_loop().stop();
}

const int kRunUntilCompleteCb = 0;  // its identity, for remove_done_callback

}  // namespace

nlohmann::json EventLoop::run_until_complete(Future* future) {
  check_closed();
  check_running();
  return run_until_complete_future(future, false);
}

nlohmann::json EventLoop::run_until_complete(Coro coro) {
  check_closed();
  check_running();
  // future = tasks.ensure_future(coro, loop=self): loop.create_task(coro)
  return run_until_complete_future(create_task(std::move(coro)), true);
}

nlohmann::json EventLoop::run_until_complete_future(Future* future, bool /*new_task*/) {
  // (new_task only silences "Task was destroyed but it is pending!" and the "exception was
  // never retrieved" log, which the model does not have.)
  future->add_done_callback(
      DoneCallback{&kRunUntilCompleteCb, run_until_complete_cb, "_run_until_complete_cb"});
  struct Finally {  // finally: future.remove_done_callback(_run_until_complete_cb)
    Future* future;
    ~Finally() { future->remove_done_callback(&kRunUntilCompleteCb); }
  } finally{future};
  run_forever();
  if (!future->done()) raise("RuntimeError", "Event loop stopped before Future completed.");
  return future->result();
}

void EventLoop::close() {
  if (is_running()) raise("RuntimeError", "Cannot close a running event loop");
  if (closed_) return;
  closed_ = true;
  ready_.clear();
  scheduled_.clear();  // (the handles keep _scheduled = True, and the count stays)
}

HandleRef EventLoop::call_soon(std::function<void()> callback, CallbackInfo info,
                               ContextRef context) {
  check_closed();
  // handle = self._call_soon(callback, args, context)
  auto handle = std::make_shared<Handle>(std::move(callback), info, *this, std::move(context));
  ready_.push_back(handle);
  return handle;
}

TimerRef EventLoop::call_later(std::optional<double> delay, std::function<void()> callback,
                               CallbackInfo info, ContextRef context) {
  if (!delay) raise("TypeError", "delay must not be None");
  return call_at(time() + *delay, std::move(callback), info, std::move(context));
}

TimerRef EventLoop::call_at(std::optional<double> when, std::function<void()> callback,
                            CallbackInfo info, ContextRef context) {
  if (!when) raise("TypeError", "when cannot be None");
  check_closed();
  auto timer = std::make_shared<TimerHandle>(*when, timer_sequence_++, std::move(callback), info,
                                             *this, std::move(context));
  heapq::heappush(scheduled_, timer,
                  [this](const TimerRef& a, const TimerRef& b) { return timer_less(a, b); });
  timer->scheduled = true;
  return timer;
}

HandleRef EventLoop::call_soon_threadsafe(std::function<void()> callback, CallbackInfo info,
                                          ContextRef context) {
  // The same as call_soon, then _write_to_self(): the self-pipe wakes the selector, whose
  // event queues a handle that only reads the byte. The model has no self-pipe: that
  // handle does nothing observable, and a wake-up changes nothing on one thread.
  check_closed();
  auto handle = std::make_shared<Handle>(std::move(callback), info, *this, std::move(context));
  ready_.push_back(handle);
  return handle;
}

void EventLoop::timer_handle_cancelled(TimerHandle& handle) {
  if (handle.scheduled) timer_cancelled_count_ += 1;
}

Future* EventLoop::create_future() {
  return adopt(std::make_unique<Future>(*this));
}

Task* EventLoop::create_task(Coro coro, std::optional<std::string> name, ContextRef context) {
  check_closed();
  if (!task_factory_)
    return Task::create(*this, std::move(coro), std::move(name), std::move(context));
  Task* task = task_factory_(*this, std::move(coro), context);
  if (name) task->set_name(*name);  // tasks._set_task_name(task, name)
  return task;
}

void EventLoop::call_exception_handler(const ExceptionContext& context) {
  if (!exception_handler_) {
    // try: self.default_exception_handler(context) -- which only logs (below), and
    // cannot fail here: the "Exception in default exception handler" branch is moot.
    default_exception_handler(context);
    return;
  }
  try {
    exception_handler_(*this, context);
  } catch (const PyError& e) {
    if (is_exit(e.exc)) throw;  // except (SystemExit, KeyboardInterrupt): raise
    // Exception in the user set custom exception handler: let's try the default handler.
    ExceptionContext failed;
    failed.message = "Unhandled error in exception handler";
    failed.exception = e.exc;
    failed.context = &context;
    default_exception_handler(failed);
  }
}

void EventLoop::default_exception_handler(const ExceptionContext&) {
  // logger.error('\n'.join(log_lines), exc_info=exc_info): the model has no `logs`
  // capability, so what the default handler writes is not part of its traces.
}

void EventLoop::set_debug(bool enabled) {
  debug_ = enabled;
  // if self.is_running(): self.call_soon_threadsafe(self._set_coroutine_origin_tracking, enabled)
  if (is_running())
    call_soon_threadsafe([] {}, CallbackInfo{"BaseEventLoop._set_coroutine_origin_tracking"});
}

void EventLoop::run_once() {
  ++iterations_;  // vtime.VirtualTimeLoop._run_once counts its calls
  charge();
  auto less = [this](const TimerRef& a, const TimerRef& b) { return timer_less(a, b); };

  const std::size_t sched_count = scheduled_.size();
  if (sched_count > kMinScheduledTimerHandles &&
      static_cast<double>(timer_cancelled_count_) / static_cast<double>(sched_count) >
          kMinCancelledTimerHandlesFraction) {
    // Remove delayed calls that were cancelled if their number is too high.
    std::vector<TimerRef> new_scheduled;
    for (const TimerRef& handle : scheduled_) {
      if (handle->cancelled())
        handle->scheduled = false;
      else
        new_scheduled.push_back(handle);
    }
    heapq::heapify(new_scheduled, less);
    scheduled_ = std::move(new_scheduled);
    timer_cancelled_count_ = 0;
  } else {
    // Remove delayed calls that were cancelled from head of queue.
    while (!scheduled_.empty() && scheduled_[0]->cancelled()) {
      timer_cancelled_count_ -= 1;
      TimerRef handle = heapq::heappop(scheduled_, less);
      handle->scheduled = false;
    }
  }

  std::optional<double> timeout;
  if (!ready_.empty() || stopping_) {
    timeout = 0;
  } else if (!scheduled_.empty()) {
    // Compute the desired timeout.
    const double when = scheduled_[0]->when();
    timeout = std::min(std::max(0.0, when - time()), kMaximumSelectTimeout);
  }

  select(clock_, timeout);  // event_list = self._selector.select(timeout): no fds here

  // Handle 'later' callbacks that are ready.
  const double end_time = time() + kClockResolution;
  while (!scheduled_.empty()) {
    if (scheduled_[0]->when() >= end_time) break;
    TimerRef handle = heapq::heappop(scheduled_, less);
    handle->scheduled = false;
    ready_.push_back(std::move(handle));
  }

  // This is the only place where callbacks are actually *called*. We run all currently
  // scheduled callbacks, but not any callbacks scheduled by callbacks run this time around.
  const std::size_t ntodo = ready_.size();
  for (std::size_t i = 0; i < ntodo; ++i) {
    HandleRef handle = std::move(ready_.front());
    ready_.pop_front();
    if (handle->cancelled()) continue;
    charge();
    handle->run();
  }
}

}  // namespace loopcheck::refmodel
