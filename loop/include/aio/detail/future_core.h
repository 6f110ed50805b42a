#pragma once
// The shared state behind aio::Future and aio::Task (asyncio's Future object): its state,
// result or exception, cancel message and done callbacks, with Future's own rules (futures.py).
// Internal to aio; the typed result lives in the derived FutureState<T> / TaskState<T>.
//
// Threading: a future belongs to its loop's thread. Its reference count is a plain integer,
// except for a future marked `shared` (run_in_executor's, which a worker thread also holds),
// whose count is atomic. Only the loop's thread reads or changes its state.
//
// Lifetime: intrusively counted. The last release() makes the reports Python's __del__ makes
// ("Future exception was never retrieved", "Task was destroyed but it is pending!") and
// deletes it.

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "aio/detail/pool_alloc.h"
#include "aio/location.h"

namespace aio {
class EventLoop;
struct ExceptionContext;
}  // namespace aio

namespace aio::detail {

class FutureCore;
class TaskCore;

enum class FutureStatus : std::uint8_t { pending, cancelled, finished };

// A done callback's callable, boxed: add_done_callback makes one, the loop runs it once.
class CallbackBox {
 public:
  virtual ~CallbackBox() = default;
  // Calls the callable with the future (in the context the box captured).
  virtual void invoke(FutureCore& future) = 0;
  // Appends the callable's name as _format_callback_source does.
  virtual void describe(std::string& out) const = 0;
  // For remove_done_callback(fn): whether this box holds a callable of type `type` equal to
  // *fn (callables without operator== match on their type).
  virtual bool holds(const std::type_info& type, const void* fn) const noexcept = 0;
};

// One entry of a future's callback list: a boxed callable, or a task's wakeup.
struct DoneCallback {
  CallbackBox* box = nullptr;  // owned
  TaskCore* task = nullptr;    // holds a reference
};

// The callback list, in registration order; the first entry is kept inline (as CPython's
// fut_callback0), since most futures have exactly one: the task that awaits them.
class DoneCallbacks {
 public:
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  DoneCallback& operator[](std::size_t i) noexcept { return i == 0 ? first_ : (*rest_)[i - 1]; }
  const DoneCallback& operator[](std::size_t i) const noexcept {
    return i == 0 ? first_ : (*rest_)[i - 1];
  }
  void push_back(DoneCallback cb) {
    if (size_ == 0) {
      first_ = cb;
      size_ = 1;
    } else {
      push_back_more(cb);
    }
  }
  void push_back_more(DoneCallback cb);
  // Forgets entries whose ownership was moved out (schedule_on takes them one by one).
  void forget_taken() noexcept {
    size_ = 0;
    if (rest_) rest_->clear();
  }
  // Removes the entries for which `pred` is true (releasing them); returns how many.
  template <class Pred>
  std::size_t remove_if(Pred pred);
  void clear() noexcept;  // releases every entry

  DoneCallbacks() = default;
  DoneCallbacks(DoneCallbacks&& other) noexcept;
  DoneCallbacks& operator=(DoneCallbacks&&) = delete;
  ~DoneCallbacks() {
    if (size_ != 0) clear();
  }

 private:
  DoneCallback first_;
  std::unique_ptr<std::vector<DoneCallback>> rest_;  // entries 1..n-1, made on the second add
  std::uint32_t size_ = 0;
};

void release_callback(DoneCallback& cb) noexcept;

class FutureCore {
 public:
  FutureCore(EventLoop* owner, const std::type_info& type, bool task) noexcept
      : is_task(task), result_type(&type), loop(owner) {}
  virtual ~FutureCore() = default;
  FutureCore(const FutureCore&) = delete;
  FutureCore& operator=(const FutureCore&) = delete;

  void add_ref() noexcept {
    if (shared)
      std::atomic_ref<std::uint32_t>(refs).fetch_add(1, std::memory_order_relaxed);
    else
      ++refs;
  }
  void release() noexcept {
    if (shared) {
      if (std::atomic_ref<std::uint32_t>(refs).fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    } else if (--refs != 0) {
      return;
    }
    last_release();
  }

  bool done() const noexcept { return status != FutureStatus::pending; }
  bool cancelled() const noexcept { return status == FutureStatus::cancelled; }

  // Future.cancel(msg); Task.cancel overrides it (CAN-09, CAN-11).
  virtual bool cancel(std::optional<std::string> msg);
  // Future._make_cancelled_error: the CancelledError saved by a task's step (once), else a new
  // one with the cancel message (CAN-10, CAN-20).
  std::exception_ptr make_cancelled_error();
  // What result() checks before it returns the value: raises CancelledError, InvalidStateError
  // ("Result is not set.") or the exception; marks the exception retrieved (FUT-01).
  void check_result() {
    if (status != FutureStatus::finished || error) [[unlikely]]
      raise_result();
  }
  [[noreturn]] void raise_result();
  // Future.exception() (FUT-01, CAN-10).
  std::exception_ptr exception();
  // set_result's tail: the value is in place; FINISHED, then the callbacks (FUT-02, CLS-09).
  void finish_with_result() {
    status = FutureStatus::finished;
    schedule_callbacks();
  }
  // Future.set_exception (FUT-02, FUT-03).
  void set_exception(std::exception_ptr error);
  // "invalid state" unless pending; "Task does not support set_... operation" for a task.
  void check_settable(const char* operation) const {
    if (is_task || status != FutureStatus::pending) [[unlikely]]
      raise_not_settable(operation);
  }
  [[noreturn]] void raise_not_settable(const char* operation) const;

  // add_done_callback: queued at once if done (ORD-16), else kept in order.
  void add_callback(DoneCallback cb) {
    if (status == FutureStatus::pending)
      callbacks.push_back(cb);
    else
      schedule_one(cb);
  }
  // remove_done_callback: every entry holding an equal callable; the count (FUT-04).
  std::size_t remove_callbacks(const std::type_info& type, const void* fn);
  // Moves every callback to the loop's ready queue with call_soon, in order (ORD-15).
  void schedule_callbacks() {
    if (!callbacks.empty()) schedule_all();
  }

  // repr(result) for the repr: "result=..." (FINISHED without exception).
  virtual void describe_result(std::string& out) const = 0;
  // <Future pending cb=[...]>, <Future finished result=1>, <Future cancelled>, ...
  virtual std::string repr() const;
  // The class name of reprs and messages: "Future" or "Task".
  virtual const char* class_name() const noexcept { return "Future"; }
  // "pending", "cancelled", "finished" and the rest of _future_repr_info.
  std::string repr_info() const;

  // Layout: a FutureState<T> of a small T fits a 128-byte block of the future pool.
  std::uint32_t refs = 1;
  FutureStatus status = FutureStatus::pending;
  const bool is_task;
  bool shared = false;         // atomic reference count (see the header comment)
  bool log_traceback = false;  // an exception was set and not retrieved (EXC-08)
  bool debug = false;          // made in debug mode: the source is its creation site (DBG-05)
  std::uint32_t source_line = 0;
  const std::type_info* result_type;
  EventLoop* loop;              // null once the loop is gone (tasks only)
  void* result_slot = nullptr;  // the derived class's typed result storage
  std::exception_ptr error;
  std::exception_ptr cancelled_exc;  // a task's CancelledError, saved for chaining
  DoneCallbacks callbacks;
  const char* source_file = nullptr;

  // The message given to cancel() (Python's _cancel_message: None or a string).
  std::optional<std::string> cancel_message() const {
    return cancel_message_ ? std::optional<std::string>(*cancel_message_) : std::nullopt;
  }
  void set_cancel_message(std::optional<std::string> msg) {
    cancel_message_ = msg ? std::make_unique<std::string>(std::move(*msg)) : nullptr;
  }
  Location source() const noexcept { return Location{source_file ? source_file : "", "", source_line}; }
  void set_source(Location where) noexcept {
    source_file = where.file;
    source_line = where.line;
  }

  // Futures and tasks come from size-class pools (block_pool.h's), not the general heap.
  static void* operator new(std::size_t size) { return pool_allocate(size); }
  static void operator delete(void* p, std::size_t size) noexcept { pool_deallocate(p, size); }

 protected:
  std::unique_ptr<std::string> cancel_message_;

  void schedule_one(DoneCallback cb);
  void schedule_all();

  // last_release's report, when an exception was never retrieved.
  void report_unretrieved() const noexcept;
  // Builds the "never retrieved" report, if one is due.
  bool unretrieved_report(ExceptionContext& context) const;
  // Sends a report to the loop's handler, or to the log when the loop is gone. Never throws.
  void report(const ExceptionContext& context) const noexcept;
  // The reports Python's __del__ makes, then delete.
  virtual void last_release() noexcept;
};

// Keeps one reference to a FutureCore (for callbacks queued on the loop).
class CoreRef {
 public:
  CoreRef() = default;
  explicit CoreRef(FutureCore* core) noexcept : core_(core) {
    if (core_) core_->add_ref();
  }
  static CoreRef adopt(FutureCore* core) noexcept {
    CoreRef ref;
    ref.core_ = core;
    return ref;
  }
  CoreRef(const CoreRef& other) noexcept : CoreRef(other.core_) {}
  CoreRef(CoreRef&& other) noexcept : core_(other.core_) { other.core_ = nullptr; }
  CoreRef& operator=(CoreRef other) noexcept {
    std::swap(core_, other.core_);
    return *this;
  }
  ~CoreRef() {
    if (core_) core_->release();
  }
  FutureCore* get() const noexcept { return core_; }
  FutureCore* operator->() const noexcept { return core_; }
  FutureCore* detach() noexcept { return std::exchange(core_, nullptr); }
  explicit operator bool() const noexcept { return core_ != nullptr; }

 private:
  FutureCore* core_ = nullptr;
};

template <class Pred>
std::size_t DoneCallbacks::remove_if(Pred pred) {
  std::uint32_t kept = 0, removed = 0;
  for (std::uint32_t i = 0; i < size_; ++i) {
    DoneCallback& cb = (*this)[i];
    if (pred(cb)) {
      release_callback(cb);
      ++removed;
    } else {
      (*this)[kept++] = cb;
    }
  }
  size_ = kept;
  if (rest_) rest_->resize(kept > 0 ? kept - 1 : 0);
  return removed;
}

}  // namespace aio::detail
