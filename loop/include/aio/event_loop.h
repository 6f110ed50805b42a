#pragma once
// aio::EventLoop: asyncio's event loop in C++, built on the Clock, Selector and Os seams.
// Method names and behaviour follow the asyncio docs ("Event Loop Methods"); rule IDs refer to
// ../shared/spec/asyncio-rules.md. The loop core makes no system calls and reads no real
// clock: it asks its seams.
//
// Callbacks take arguments as in Python: loop.call_soon(f, 1, "x") calls f(1, "x"). The
// arguments are copied (decayed) at scheduling time. Calls with up to four arguments record
// their call site, which handle reprs and debug-mode reports show (DBG-05).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aio/context.h"
#include "aio/detail/ring_buffer.h"
#include "aio/detail/threadsafe_inbox.h"
#include "aio/detail/timer_queue.h"
#include "aio/errors.h"
#include "aio/exception_context.h"
#include "aio/handle.h"
#include "aio/location.h"
#include "aio/seams.h"
#include "aio/transport_fd.h"

namespace aio {

// base_events.MAXIMUM_SELECT_TIMEOUT: the longest the loop blocks in select() (ORD-11).
inline constexpr double MAXIMUM_SELECT_TIMEOUT = 24 * 3600;
// Environment variable that turns debug mode on when set non-empty (as PYTHONASYNCIODEBUG).
inline constexpr const char* DEBUG_ENV_VAR = "AIODEBUG";

class EventLoop;
class Executor;
// call_soon's first argument is the callback, unless it is a Context (see call_soon(Context, ...)).
template <class F>
concept NotContext = !std::same_as<std::remove_cvref_t<F>, Context>;
class FutureBase;
class TaskBase;
class AnyCoro;
template <class T>
class Future;
template <class T>
class Task;
template <class T>
class Coro;
namespace detail {
class TaskCore;
}
using ExceptionHandler = std::function<void(EventLoop&, const ExceptionContext&)>;
// A task factory (set_task_factory): makes the task for create_task. `context` is set only
// when create_task was given one (FUT-08). AnyCoro::make_task builds the standard Task.
using TaskFactory = std::function<TaskBase(EventLoop&, AnyCoro, std::optional<Context>)>;

class EventLoop {
 public:
  // A loop on the real kernel: MonotonicClock, EpollSelector, PosixOs.
  EventLoop();
  // A loop on the given seams (real with another selector, or simulated).
  explicit EventLoop(Seams seams);
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  // Closes the loop if it was not closed.
  virtual ~EventLoop();

  // ---- Running and stopping the loop ----
  // Runs until stop() is called (RUN-01..04). Throws RuntimeError if the loop is closed
  // ("Event loop is closed"), already running ("This event loop is already running"), or
  // another loop runs in this thread (RUN-06). An aio::BaseException from a callback or a
  // handler leaves run_forever at once; the rest of the batch stays queued (RUN-15, EXC-06).
  void run_forever();
  // Stops the loop after the current batch (RUN-02); before run_forever, makes it do one
  // iteration (RUN-01). Only sets a flag: idempotent, fine on a closed loop (RUN-03).
  void stop();
  bool is_running() const noexcept;
  bool is_closed() const noexcept { return closed_.load(std::memory_order_relaxed); }
  // Discards pending callbacks without cancelling them, drops readers and writers and closes
  // the selector (CLS-01..03). Idempotent. Throws RuntimeError("Cannot close a running event
  // loop") while running.
  void close();
  // One iteration, as CPython's _run_once: drop cancelled timers, compute the timeout, select,
  // queue I/O callbacks, queue due timers, run exactly that batch (ORD-03/04). Exposed for
  // tests and the conformance harness; applications use run_forever.
  void run_once();
  // Runs until the future is done and returns its result (or raises its exception). A Coro is
  // wrapped in a task first, after the closed and running checks (RUN-07..14, RUN-16).
  // RuntimeError("Event loop stopped before Future completed.") if stop() came first;
  // ValueError if the future belongs to another loop (RUN-10). (Defined in
  // run_until_complete.h.)
  template <class T>
  T run_until_complete(const Future<T>& future);
  template <class T>
  T run_until_complete(const Task<T>& task);
  template <class T>
  T run_until_complete(Coro<T> coro);

  // ---- Scheduling callbacks ----
  template <class F>
    requires NotContext<F>
  Handle call_soon(F&& cb, Location where = Location::current()) {
    return call_soon_at(where, std::forward<F>(cb));
  }
  template <class F, class A>
    requires NotContext<F>
  Handle call_soon(F&& cb, A&& a, Location where = Location::current()) {
    return call_soon_at(where, std::forward<F>(cb), std::forward<A>(a));
  }
  template <class F, class A, class B>
    requires NotContext<F>
  Handle call_soon(F&& cb, A&& a, B&& b, Location where = Location::current()) {
    return call_soon_at(where, std::forward<F>(cb), std::forward<A>(a), std::forward<B>(b));
  }
  template <class F, class A, class B, class C>
    requires NotContext<F>
  Handle call_soon(F&& cb, A&& a, B&& b, C&& c, Location where = Location::current()) {
    return call_soon_at(where, std::forward<F>(cb), std::forward<A>(a), std::forward<B>(b),
                        std::forward<C>(c));
  }
  template <class F, class A, class B, class C, class D, class... More>
    requires NotContext<F>
  Handle call_soon(F&& cb, A&& a, B&& b, C&& c, D&& d, More&&... more) {
    return call_soon_at(Location{}, std::forward<F>(cb), std::forward<A>(a), std::forward<B>(b),
                        std::forward<C>(c), std::forward<D>(d), std::forward<More>(more)...);
  }
  // call_soon with an explicit call site.
  template <class F, class... Args>
  Handle call_soon_at(Location where, F&& cb, Args&&... args);
  // call_soon(callback, *args, context=ctx): runs inside `context` (ORD-13).
  template <class F, class... Args>
  Handle call_soon(Context context, F&& cb, Args&&... args) {
    return call_soon_at(Location{}, detail::RunInContext<std::decay_t<F>>{std::move(context),
                                                                          std::forward<F>(cb)},
                        std::forward<Args>(args)...);
  }

  // Thread-safe call_soon: may be called from any thread; wakes a blocked select (THR-01).
  // Its handles keep their order with call_soon's (ORD-02).
  template <class F>
    requires NotContext<F>
  Handle call_soon_threadsafe(F&& cb, Location where = Location::current()) {
    return call_soon_threadsafe_at(where, std::forward<F>(cb));
  }
  template <class F, class A>
    requires NotContext<F>
  Handle call_soon_threadsafe(F&& cb, A&& a, Location where = Location::current()) {
    return call_soon_threadsafe_at(where, std::forward<F>(cb), std::forward<A>(a));
  }
  template <class F, class A, class B>
    requires NotContext<F>
  Handle call_soon_threadsafe(F&& cb, A&& a, B&& b, Location where = Location::current()) {
    return call_soon_threadsafe_at(where, std::forward<F>(cb), std::forward<A>(a),
                                   std::forward<B>(b));
  }
  template <class F, class A, class B, class C, class... More>
    requires NotContext<F>
  Handle call_soon_threadsafe(F&& cb, A&& a, B&& b, C&& c, More&&... more) {
    return call_soon_threadsafe_at(Location{}, std::forward<F>(cb), std::forward<A>(a),
                                   std::forward<B>(b), std::forward<C>(c),
                                   std::forward<More>(more)...);
  }
  template <class F, class... Args>
  Handle call_soon_threadsafe_at(Location where, F&& cb, Args&&... args);
  // call_soon_threadsafe(callback, *args, context=ctx): runs inside `context`.
  template <class F, class... Args>
  Handle call_soon_threadsafe(Context context, F&& cb, Args&&... args) {
    return call_soon_threadsafe_at(
        Location{}, detail::RunInContext<std::decay_t<F>>{std::move(context), std::forward<F>(cb)},
        std::forward<Args>(args)...);
  }

  // Schedules cb(args...) after `delay` seconds: when = time() + delay (ORD-09). Zero and
  // negative delays run in the next iteration. nullopt is Python's None: TypeError("delay must
  // not be None"), raised before the closed check (CLS-08).
  template <class F>
  TimerHandle call_later(std::optional<double> delay, F&& cb, Location where = Location::current()) {
    return call_later_at(where, delay, std::forward<F>(cb));
  }
  template <class F, class A>
  TimerHandle call_later(std::optional<double> delay, F&& cb, A&& a,
                         Location where = Location::current()) {
    return call_later_at(where, delay, std::forward<F>(cb), std::forward<A>(a));
  }
  template <class F, class A, class B>
  TimerHandle call_later(std::optional<double> delay, F&& cb, A&& a, B&& b,
                         Location where = Location::current()) {
    return call_later_at(where, delay, std::forward<F>(cb), std::forward<A>(a), std::forward<B>(b));
  }
  template <class F, class A, class B, class C, class... More>
  TimerHandle call_later(std::optional<double> delay, F&& cb, A&& a, B&& b, C&& c, More&&... more) {
    return call_later_at(Location{}, delay, std::forward<F>(cb), std::forward<A>(a),
                         std::forward<B>(b), std::forward<C>(c), std::forward<More>(more)...);
  }
  template <class F, class... Args>
  TimerHandle call_later_at(Location where, std::optional<double> delay, F&& cb, Args&&... args);
  template <class F, class... Args>
  TimerHandle call_later(Context context, std::optional<double> delay, F&& cb, Args&&... args) {
    return call_later_at(Location{}, delay,
                         detail::RunInContext<std::decay_t<F>>{std::move(context), std::forward<F>(cb)},
                         std::forward<Args>(args)...);
  }

  // Schedules cb(args...) at absolute time `when` on time()'s clock (ORD-09). nullopt:
  // TypeError("when cannot be None"), raised before the closed check (CLS-08).
  template <class F>
  TimerHandle call_at(std::optional<double> when, F&& cb, Location where = Location::current()) {
    return call_at_at(where, when, std::forward<F>(cb));
  }
  template <class F, class A>
  TimerHandle call_at(std::optional<double> when, F&& cb, A&& a,
                      Location where = Location::current()) {
    return call_at_at(where, when, std::forward<F>(cb), std::forward<A>(a));
  }
  template <class F, class A, class B>
  TimerHandle call_at(std::optional<double> when, F&& cb, A&& a, B&& b,
                      Location where = Location::current()) {
    return call_at_at(where, when, std::forward<F>(cb), std::forward<A>(a), std::forward<B>(b));
  }
  template <class F, class A, class B, class C, class... More>
  TimerHandle call_at(std::optional<double> when, F&& cb, A&& a, B&& b, C&& c, More&&... more) {
    return call_at_at(Location{}, when, std::forward<F>(cb), std::forward<A>(a),
                      std::forward<B>(b), std::forward<C>(c), std::forward<More>(more)...);
  }
  template <class F, class... Args>
  TimerHandle call_at_at(Location where, std::optional<double> when, F&& cb, Args&&... args);
  template <class F, class... Args>
  TimerHandle call_at(Context context, std::optional<double> when, F&& cb, Args&&... args) {
    return call_at_at(Location{}, when,
                      detail::RunInContext<std::decay_t<F>>{std::move(context), std::forward<F>(cb)},
                      std::forward<Args>(args)...);
  }

  // The loop's clock (Clock::now of its seam).
  double time() const { return clock_->now(); }

  // ---- Creating futures and tasks ----
  // A future bound to this loop; works on a closed loop too (CLS-07). (Defined in future.h.)
  template <class T = void>
  Future<T> create_future(Location where = Location::current());
  // Wraps the coroutine in a task and schedules its first step (ORD-14); through the task
  // factory if one is set (FUT-08). RuntimeError on a closed loop. (Defined in task.h.)
  template <class T>
  Task<T> create_task(Coro<T> coro, std::optional<std::string> name = std::nullopt,
                      std::optional<Context> context = std::nullopt,
                      Location where = Location::current());
  // An empty factory restores the default (Task).
  void set_task_factory(TaskFactory factory) { task_factory_ = std::move(factory); }
  const TaskFactory& get_task_factory() const noexcept { return task_factory_; }

  // ---- Executing code in thread or process pools ----
  // Runs fn(args...) on `executor` (null: the default executor, made on first use through the
  // Os seam) and returns a future of its result, delivered with call_soon_threadsafe.
  // Cancelling the future before the work starts keeps it from running (THR-04).
  // RuntimeError("Executor shutdown has been called") for the default executor after
  // shutdown_default_executor() or close() (THR-05). (Defined in run_in_executor.h.)
  template <class F, class... Args>
  auto run_in_executor(std::shared_ptr<Executor> executor, F&& fn, Args&&... args);
  // TypeError("executor must be ThreadPoolExecutor instance") for a null executor. Does not
  // undo a shutdown (THR-06).
  void set_default_executor(std::shared_ptr<Executor> executor);
  // Shuts the default executor down, waiting for it without blocking the loop (THR-07).
  Coro<void> shutdown_default_executor();

  // ---- Watching file descriptors ----
  // Calls cb(args...) whenever fd is readable, until remove_reader(fd). Replaces (and
  // cancels) an existing reader (IO-01). ValueError("Invalid file descriptor: -1") for a
  // negative fd (IO-04); OSError from the selector; RuntimeError when closed (CLS-06).
  template <class F, class... Args>
  void add_reader(int fd, F&& cb, Args&&... args);
  // True if a reader was removed; false for an unknown fd, twice, or a closed loop (IO-02).
  bool remove_reader(int fd);
  template <class F, class... Args>
  void add_writer(int fd, F&& cb, Args&&... args);
  bool remove_writer(int fd);
  // Marks fd as owned by a transport: while it is not closing, add_reader, add_writer,
  // remove_reader and remove_writer on fd raise RuntimeError("File descriptor N is used by
  // transport <...>") (IO-05). The loop keeps only a weak reference (as _transports).
  void attach_transport(int fd, std::weak_ptr<const FdOwner> owner);
  void detach_transport(int fd);
  // The handle of fd's reader or writer (empty if none), as selector.get_key(fd).data.
  Handle reader_handle(int fd) const;
  Handle writer_handle(int fd) const;

  // ---- Error handling API ----
  // An empty handler restores the default (EXC-03).
  void set_exception_handler(ExceptionHandler handler) { exception_handler_ = std::move(handler); }
  // Empty while the default handler is in use.
  const ExceptionHandler& get_exception_handler() const noexcept { return exception_handler_; }
  // Logs the context through the logging seam (EXC-07). Subclasses may override it (EXC-05).
  virtual void default_exception_handler(const ExceptionContext& context);
  // Calls the handler; falls back as in EXC-04/05; BaseException escapes (EXC-06).
  void call_exception_handler(const ExceptionContext& context);

  // ---- Enabling debug mode ----
  bool get_debug() const noexcept { return debug_.load(std::memory_order_relaxed); }
  void set_debug(bool enabled) noexcept { debug_.store(enabled, std::memory_order_relaxed); }
  // Callbacks that take at least this long are logged in debug mode (DBG-02).
  double slow_callback_duration = 0.1;

  // ---- Seams and introspection (not part of asyncio's API) ----
  Clock& clock() noexcept { return *clock_; }
  Selector& selector() noexcept { return *selector_; }
  Os& os() noexcept { return *os_; }
  std::size_t ready_count() const noexcept { return ready_.size(); }          // len(_ready)
  std::size_t scheduled_count() const noexcept { return timers_.size(); }     // len(_scheduled)
  std::size_t timer_cancelled_count() const noexcept { return timers_.cancelled_count(); }
  std::uint64_t iteration_count() const noexcept { return iterations_; }      // _run_once calls
  // The handle running now (_current_handle, debug mode only), or an empty Handle.
  Handle current_handle() const;
  std::string repr() const;

  // Internal: a scheduled TimerHandle was cancelled (CAN-05).
  void timer_handle_cancelled(detail::HandleState* timer) noexcept;
  // Internal: call_soon for the loop's own callbacks (done callbacks, task steps): no context
  // captured, no Handle made. Checks as call_soon does (CLS-09, DBG-03).
  template <class F, class... Args>
  void call_soon_internal(F&& cb, Args&&... args);
  // Internal: call_soon's checks, then queues a handle made elsewhere (a task's own).
  void check_schedulable() const {
    check_closed();
    if (get_debug()) check_thread();
  }
  void push_internal(detail::HandleState* h) { push_ready(h); }
  // Internal: the task being stepped (asyncio's _current_tasks[loop]) and the loop's tasks.
  detail::TaskCore* current_task() const noexcept { return current_task_; }
  void enter_task(detail::TaskCore* task) {
    if (current_task_ != nullptr) [[unlikely]]
      throw_entering_task(task);
    current_task_ = task;
  }
  void leave_task(detail::TaskCore* task) noexcept {
    if (current_task_ == task) current_task_ = nullptr;
  }
  [[noreturn]] void throw_entering_task(detail::TaskCore* task) const;
  void register_task(detail::TaskCore* task) noexcept;
  void unregister_task(detail::TaskCore* task) noexcept;
  detail::TaskCore* first_task() const noexcept { return tasks_head_; }
  // Internal: run_until_complete's part that does not need the result type.
  void run_until_complete_base(const FutureBase& future, bool new_task);
  // Internal: the inbox other threads post to (shared with executor workers).
  const std::shared_ptr<detail::ThreadsafeInbox>& inbox() const noexcept { return inbox_; }
  // Internal: the default executor, made on first use (THR-04, THR-05).
  Executor& default_executor();
  // Whether `loop` is a live EventLoop (not destroyed). For reports of objects that may
  // outlive their loop.
  static bool is_alive(const EventLoop* loop) noexcept;

 private:
  struct FdEntry {
    detail::HandleState* reader = nullptr;
    detail::HandleState* writer = nullptr;
    std::uint32_t mask = 0;
  };

  void check_closed() const {
    if (is_closed()) throw_closed();
  }
  [[noreturn]] static void throw_closed();
  void check_running() const;
  void check_thread() const;
  void ensure_fd_no_transport(int fd) const;
  void drain_threadsafe() noexcept;
  void drain_threadsafe_if_pending() noexcept {
    if (inbox_->pending()) drain_threadsafe();
  }
  void push_ready(detail::HandleState* h) {
    drain_threadsafe_if_pending();
    ready_.push_back(h);
  }
  void enqueue_threadsafe(detail::HandleState* h);
  void schedule_timer(detail::HandleState* timer, double when);
  void add_fd_callback(int fd, std::uint32_t event, detail::HandleState* h);
  bool remove_fd_callback(int fd, std::uint32_t event);
  void process_events();
  void run_ready(std::size_t ntodo);
  void run_handle(detail::HandleState* h);
  void callback_raised(detail::HandleState* h);
  void run_handle_debug(detail::HandleState* h);
  void release_all() noexcept;
  void drop_task_frames() noexcept;
  template <class F, class... Args>
  detail::HandleState* new_handle(detail::HandleKind kind, bool shared, Location where, F&& cb,
                                  Args&&... args);

  std::shared_ptr<Clock> clock_;
  std::shared_ptr<Selector> selector_;
  std::shared_ptr<Os> os_;
  double clock_resolution_;
  detail::RingBuffer<detail::HandleState*> ready_;
  detail::TimerQueue timers_;
  std::uint64_t timer_seq_ = 0;
  std::uint64_t equal_time_key_ = 0;  // Clock::equal_time_order(): 0 is FIFO
  std::vector<FdEntry> fds_;
  std::map<int, std::weak_ptr<const FdOwner>> transports_;
  std::vector<SelectorEvent> events_;
  ExceptionHandler exception_handler_;
  detail::HandleState* current_handle_ = nullptr;
  std::uint64_t iterations_ = 0;
  std::atomic<bool> debug_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> closed_{false};
  std::atomic<std::thread::id> thread_id_{};
  // call_soon_threadsafe hands over handles here; the loop moves them to ready_.
  std::shared_ptr<detail::ThreadsafeInbox> inbox_;
  // The running loop's context while it runs callbacks that captured none (see context.h).
  detail::ContextData scratch_context_;
  // Futures and tasks.
  TaskFactory task_factory_;
  detail::TaskCore* current_task_ = nullptr;
  detail::TaskCore* tasks_head_ = nullptr;
  detail::TaskCore* tasks_tail_ = nullptr;
  // Executors.
  std::shared_ptr<Executor> default_executor_;
  std::vector<std::shared_ptr<Executor>> retired_executors_;  // shut down by close(), not waited for
  bool executor_shutdown_called_ = false;
};

// The loop running in this thread, or nullptr (events._get_running_loop()).
EventLoop* get_running_loop_or_null() noexcept;
// The loop running in this thread; RuntimeError("no running event loop") if none.
EventLoop& get_running_loop();

}  // namespace aio

// The definitions of EventLoop's member templates.
#include "aio/detail/event_loop_templates.h"
