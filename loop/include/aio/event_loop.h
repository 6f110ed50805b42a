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

#include "aio/detail/ring_buffer.h"
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
using ExceptionHandler = std::function<void(EventLoop&, const ExceptionContext&)>;

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

  // ---- Scheduling callbacks ----
  template <class F>
  Handle call_soon(F&& cb, Location where = Location::current()) {
    return call_soon_at(where, std::forward<F>(cb));
  }
  template <class F, class A>
  Handle call_soon(F&& cb, A&& a, Location where = Location::current()) {
    return call_soon_at(where, std::forward<F>(cb), std::forward<A>(a));
  }
  template <class F, class A, class B>
  Handle call_soon(F&& cb, A&& a, B&& b, Location where = Location::current()) {
    return call_soon_at(where, std::forward<F>(cb), std::forward<A>(a), std::forward<B>(b));
  }
  template <class F, class A, class B, class C>
  Handle call_soon(F&& cb, A&& a, B&& b, C&& c, Location where = Location::current()) {
    return call_soon_at(where, std::forward<F>(cb), std::forward<A>(a), std::forward<B>(b),
                        std::forward<C>(c));
  }
  template <class F, class A, class B, class C, class D, class... More>
  Handle call_soon(F&& cb, A&& a, B&& b, C&& c, D&& d, More&&... more) {
    return call_soon_at(Location{}, std::forward<F>(cb), std::forward<A>(a), std::forward<B>(b),
                        std::forward<C>(c), std::forward<D>(d), std::forward<More>(more)...);
  }
  // call_soon with an explicit call site.
  template <class F, class... Args>
  Handle call_soon_at(Location where, F&& cb, Args&&... args);

  // Thread-safe call_soon: may be called from any thread; wakes a blocked select (THR-01).
  // Its handles keep their order with call_soon's (ORD-02).
  template <class F>
  Handle call_soon_threadsafe(F&& cb, Location where = Location::current()) {
    return call_soon_threadsafe_at(where, std::forward<F>(cb));
  }
  template <class F, class A>
  Handle call_soon_threadsafe(F&& cb, A&& a, Location where = Location::current()) {
    return call_soon_threadsafe_at(where, std::forward<F>(cb), std::forward<A>(a));
  }
  template <class F, class A, class B>
  Handle call_soon_threadsafe(F&& cb, A&& a, B&& b, Location where = Location::current()) {
    return call_soon_threadsafe_at(where, std::forward<F>(cb), std::forward<A>(a),
                                   std::forward<B>(b));
  }
  template <class F, class A, class B, class C, class... More>
  Handle call_soon_threadsafe(F&& cb, A&& a, B&& b, C&& c, More&&... more) {
    return call_soon_threadsafe_at(Location{}, std::forward<F>(cb), std::forward<A>(a),
                                   std::forward<B>(b), std::forward<C>(c),
                                   std::forward<More>(more)...);
  }
  template <class F, class... Args>
  Handle call_soon_threadsafe_at(Location where, F&& cb, Args&&... args);

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

  // The loop's clock (Clock::now of its seam).
  double time() const { return clock_->now(); }

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
    if (threadsafe_pending_.load(std::memory_order_acquire)) drain_threadsafe();
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
  void run_handle_debug(detail::HandleState* h);
  void release_all() noexcept;

  std::shared_ptr<Clock> clock_;
  std::shared_ptr<Selector> selector_;
  std::shared_ptr<Os> os_;
  double clock_resolution_;
  detail::RingBuffer<detail::HandleState*> ready_;
  detail::TimerQueue timers_;
  std::uint64_t timer_seq_ = 0;
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
  std::mutex threadsafe_mutex_;
  std::vector<detail::HandleState*> threadsafe_;
  std::atomic<bool> threadsafe_pending_{false};
};

// The loop running in this thread, or nullptr (events._get_running_loop()).
EventLoop* get_running_loop_or_null() noexcept;
// The loop running in this thread; RuntimeError("no running event loop") if none.
EventLoop& get_running_loop();

// ---- template definitions ----

template <class F, class... Args>
Handle EventLoop::call_soon_at(Location where, F&& cb, Args&&... args) {
  check_closed();
  if (get_debug()) check_thread();
  detail::HandleState* h = detail::make_handle(detail::HandleKind::handle, false, get_debug(),
                                               where, std::forward<F>(cb),
                                               std::forward<Args>(args)...);
  h->refs = 2;  // the ready queue and the returned Handle
  push_ready(h);
  return Handle::adopt(h);
}

template <class F, class... Args>
Handle EventLoop::call_soon_threadsafe_at(Location where, F&& cb, Args&&... args) {
  check_closed();
  detail::HandleState* h = detail::make_handle(detail::HandleKind::handle, true, get_debug(),
                                               where, std::forward<F>(cb),
                                               std::forward<Args>(args)...);
  h->refs = 2;
  enqueue_threadsafe(h);
  return Handle::adopt(h);
}

template <class F, class... Args>
TimerHandle EventLoop::call_later_at(Location where, std::optional<double> delay, F&& cb,
                                     Args&&... args) {
  if (!delay) throw TypeError("delay must not be None");
  return call_at_at(where, time() + *delay, std::forward<F>(cb), std::forward<Args>(args)...);
}

template <class F, class... Args>
TimerHandle EventLoop::call_at_at(Location where, std::optional<double> when, F&& cb,
                                  Args&&... args) {
  if (!when) throw TypeError("when cannot be None");
  check_closed();
  if (get_debug()) check_thread();
  detail::HandleState* h = detail::make_handle(detail::HandleKind::timer, false, get_debug(),
                                               where, std::forward<F>(cb),
                                               std::forward<Args>(args)...);
  h->refs = 2;  // the heap and the returned TimerHandle
  schedule_timer(h, *when);
  return TimerHandle::adopt(h);
}

template <class F, class... Args>
void EventLoop::add_reader(int fd, F&& cb, Args&&... args) {
  check_closed();
  ensure_fd_no_transport(fd);
  add_fd_callback(fd, EVENT_READ,
                  detail::make_handle(detail::HandleKind::handle, false, get_debug(), Location{},
                                      std::forward<F>(cb), std::forward<Args>(args)...));
}

template <class F, class... Args>
void EventLoop::add_writer(int fd, F&& cb, Args&&... args) {
  check_closed();
  ensure_fd_no_transport(fd);
  add_fd_callback(fd, EVENT_WRITE,
                  detail::make_handle(detail::HandleKind::handle, false, get_debug(), Location{},
                                      std::forward<F>(cb), std::forward<Args>(args)...));
}

}  // namespace aio
