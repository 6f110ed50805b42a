#pragma once
// base_events.BaseEventLoop (Lib/asyncio/base_events.py, CPython 3.11), on virtual time:
// call_soon / call_later / call_at, the ready queue and the timer heap, _run_once,
// run_forever, run_until_complete, stop, close, the exception handler, the task factory.
// Each method is a transliteration of CPython's; the comments quote it where it helps.
//
// The loop owns every future it makes (the scenario language never destroys an object
// during a run), so futures are plain pointers everywhere, and nothing leaks through the
// cycles Python's garbage collector would break. Handles are shared (HandleRef): they go
// once run, unless the scenario holds them. A run that does not end gives up after a budget
// of work (kWorkBudget, kFutureBudget), as the harness would time out CPython.
// Must not: read a real clock, or call a callback anywhere but in run_once.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "contexts.h"
#include "coroutine.h"
#include "errors.h"
#include "handles.h"
#include "loopcheck/refmodel.h"
#include "virtual_time.h"

namespace loopcheck::refmodel {

class Future;
class Task;

// base_events: _MIN_SCHEDULED_TIMER_HANDLES, _MIN_CANCELLED_TIMER_HANDLES_FRACTION,
// MAXIMUM_SELECT_TIMEOUT; time.get_clock_info('monotonic').resolution on Linux.
inline constexpr std::size_t kMinScheduledTimerHandles = 100;
inline constexpr double kMinCancelledTimerHandlesFraction = 0.5;
inline constexpr double kMaximumSelectTimeout = 24 * 3600;
inline constexpr double kClockResolution = 1e-9;

// The work a run may do (loop iterations, callbacks and steps run) and the futures it may
// make before the model gives up on it (status adapter_error): a few seconds of work, far
// more than any scenario that ends within the harness's deadline on CPython needs.
inline constexpr std::uint64_t kWorkBudget = 10'000'000;
inline constexpr std::size_t kFutureBudget = 1'000'000;
struct Budget {
  std::uint64_t work = kWorkBudget;
  std::size_t futures = kFutureBudget;
};

// The `context` dict of call_exception_handler.
struct ExceptionContext {
  std::string message;
  Exc exception;                              // 'exception', if any
  Handle* handle = nullptr;                   // 'handle', if any
  const ExceptionContext* context = nullptr;  // 'context': what a failing handler was given
  std::vector<std::string> keys() const;      // sorted(context)
};

using ExceptionHandler = std::function<void(EventLoop&, const ExceptionContext&)>;
// factory(loop, coro) or, when create_task got one, factory(loop, coro, context=context).
using TaskFactory =
    std::function<Task*(EventLoop&, Coro&&, const ContextRef& /* null: not passed */)>;

class EventLoop {
 public:
  explicit EventLoop(TieBreak ties = TieBreak::heap, Budget budget = {});
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // -- running and stopping ------------------------------------------------------------
  void run_forever();
  // run_until_complete(future), and run_until_complete(coro), which wraps it in a task.
  nlohmann::json run_until_complete(Future* future);
  nlohmann::json run_until_complete(Coro coro);
  void stop() { stopping_ = true; }
  void close();
  bool is_running() const { return running_; }
  bool is_closed() const { return closed_; }
  double time() const { return clock_.now; }
  VirtualClock& clock() { return clock_; }

  // -- scheduling callbacks -----------------------------------------------------------
  HandleRef call_soon(std::function<void()> callback, CallbackInfo info = {},
                      ContextRef context = nullptr);
  TimerRef call_later(std::optional<double> delay, std::function<void()> callback,
                      CallbackInfo info = {}, ContextRef context = nullptr);
  TimerRef call_at(std::optional<double> when, std::function<void()> callback,
                   CallbackInfo info = {}, ContextRef context = nullptr);
  HandleRef call_soon_threadsafe(std::function<void()> callback, CallbackInfo info = {},
                                 ContextRef context = nullptr);
  void timer_handle_cancelled(TimerHandle& handle);  // _timer_handle_cancelled

  // -- futures and tasks ----------------------------------------------------------------
  Future* create_future();
  Task* create_task(Coro coro, std::optional<std::string> name = std::nullopt,
                    ContextRef context = nullptr);
  void set_task_factory(TaskFactory factory) { task_factory_ = std::move(factory); }
  bool has_task_factory() const { return static_cast<bool>(task_factory_); }
  // Takes ownership of a future (or task) made elsewhere (Task::create, gather).
  template <class F>
  F* adopt(std::unique_ptr<F> future) {
    if (futures_.size() >= budget_.futures) give_up("futures");
    F* raw = future.get();
    futures_.push_back(std::move(future));
    return raw;
  }
  // One unit of work against the budget (the interpreter's steps count too).
  void charge() {
    if (++work_ > budget_.work) give_up("units of work (loop iterations, callbacks and steps)");
  }

  // -- errors ---------------------------------------------------------------------------
  void set_exception_handler(ExceptionHandler handler) { exception_handler_ = std::move(handler); }
  bool has_exception_handler() const { return static_cast<bool>(exception_handler_); }
  void call_exception_handler(const ExceptionContext& context);
  void default_exception_handler(const ExceptionContext& context);

  // -- debug mode: only its flag (the model has no debug-mode effects) ---------------------
  void set_debug(bool enabled);
  bool get_debug() const { return debug_; }

  // -- what the model shares with its parts ------------------------------------------------
  Contexts& contexts() { return contexts_; }
  // CPython's private counters: len(_scheduled), _timer_cancelled_count, _run_once calls.
  std::size_t scheduled_count() const { return scheduled_.size(); }
  long long timer_cancelled_count() const { return timer_cancelled_count_; }
  long long iterations() const { return iterations_; }
  // tasks.py's registries for this loop: _current_tasks[loop] and _all_tasks.
  Task* current_task = nullptr;
  std::vector<Task*> all_tasks;
  std::uint64_t task_name_counter = 0;  // _task_name_counter

 private:
  void run_once();
  nlohmann::json run_until_complete_future(Future* future, bool new_task);
  void check_closed() const;
  void check_running() const;
  bool timer_less(const TimerRef& a, const TimerRef& b) const;
  [[noreturn]] static void give_up(const char* what);

  TieBreak ties_;
  Budget budget_;
  VirtualClock clock_;
  Contexts contexts_;
  bool closed_ = false;
  bool stopping_ = false;
  bool running_ = false;  // _thread_id is not None
  bool debug_ = false;
  std::deque<HandleRef> ready_;      // _ready
  std::vector<TimerRef> scheduled_;  // _scheduled, a heap
  long long timer_cancelled_count_ = 0;
  long long iterations_ = 0;
  std::uint64_t timer_sequence_ = 0;
  std::uint64_t work_ = 0;
  ExceptionHandler exception_handler_;
  TaskFactory task_factory_;

  std::vector<std::unique_ptr<Future>> futures_;  // every future made, alive until the loop goes
};

}  // namespace loopcheck::refmodel
