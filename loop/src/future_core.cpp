// FutureCore: asyncio's Future state machine (futures.py, and _asynciomodule.c's messages,
// which is what runs by default): result, exception, cancel, done callbacks, repr, and the
// "never retrieved" report of __del__.
#include "aio/detail/future_core.h"

#include "aio/detail/pool_alloc.h"

#include "aio/event_loop.h"
#include "aio/exception_context.h"
#include "aio/logging.h"
#include "future_calls.h"
#include "aio/detail/block_pool.h"

namespace aio::detail {

// ---- the callback list ----

void release_callback(DoneCallback& cb) noexcept {
  delete cb.box;
  if (cb.task) cb.task->release();
  cb = DoneCallback{};
}

void DoneCallbacks::push_back_more(DoneCallback cb) {
  try {
    if (!rest_) rest_ = std::make_unique<std::vector<DoneCallback>>();
    rest_->push_back(cb);
  } catch (...) {
    release_callback(cb);
    throw;
  }
  ++size_;
}

DoneCallbacks::DoneCallbacks(DoneCallbacks&& other) noexcept
    : first_(other.first_), rest_(std::move(other.rest_)), size_(other.size_) {
  other.first_ = DoneCallback{};
  other.size_ = 0;
}


void DoneCallbacks::clear() noexcept {
  for (std::uint32_t i = 0; i < size_; ++i) release_callback((*this)[i]);
  if (rest_) rest_->clear();
  size_ = 0;
}

// ---- states ----

bool FutureCore::cancel(std::optional<std::string> msg) {
  log_traceback = false;
  if (status != FutureStatus::pending) return false;
  status = FutureStatus::cancelled;
  set_cancel_message(std::move(msg));
  schedule_callbacks();
  return true;
}

std::exception_ptr FutureCore::make_cancelled_error() {
  if (cancelled_exc) return std::exchange(cancelled_exc, nullptr);
  return std::make_exception_ptr(CancelledError(cancel_message()));
}

void FutureCore::raise_result() {
  if (status == FutureStatus::cancelled) std::rethrow_exception(make_cancelled_error());
  if (status != FutureStatus::finished) throw InvalidStateError("Result is not set.");
  log_traceback = false;
  std::rethrow_exception(error);
}

std::exception_ptr FutureCore::exception() {
  if (status == FutureStatus::cancelled) std::rethrow_exception(make_cancelled_error());
  if (status != FutureStatus::finished) throw InvalidStateError("Exception is not set.");
  log_traceback = false;
  return error;
}

void FutureCore::raise_not_settable(const char* operation) const {
  if (is_task)
    throw RuntimeError(std::string("Task does not support ") + operation + " operation");
  throw InvalidStateError("invalid state");
}

void FutureCore::set_exception(std::exception_ptr exc) {
  if (status != FutureStatus::pending) throw InvalidStateError("invalid state");
  if (!exc) throw TypeError("invalid exception object");
  error = std::move(exc);
  status = FutureStatus::finished;
  schedule_callbacks();
  log_traceback = true;  // after the callbacks, as C's future_set_exception
}

// ---- callbacks ----

void FutureCore::schedule_one(DoneCallback cb) {
  DoneCallbacks one;
  one.push_back(cb);
  schedule_on(*loop, *this, one);  // ORD-16: queued behind what is already ready
}

std::size_t FutureCore::remove_callbacks(const std::type_info& type, const void* fn) {
  return callbacks.remove_if(
      [&](const DoneCallback& cb) { return cb.box != nullptr && cb.box->holds(type, fn); });
}

void FutureCore::schedule_all() {
  if (callbacks.size() == 1 && callbacks[0].task) [[likely]] {
    // The common case: one task awaits this future.
    TaskCore* task = std::exchange(callbacks[0], DoneCallback{}).task;
    callbacks.forget_taken();
    task->schedule_wakeup(*this, task);  // takes the entry's reference, even if it throws
    return;
  }
  try {
    schedule_on(*loop, *this, callbacks);  // takes each entry out, then forgets them
  } catch (...) {
    callbacks.clear();  // as Python, which cleared the list first: a failing call_soon drops the rest
    throw;
  }
}

// ---- repr ----

namespace {

std::string format_callback(const DoneCallback& cb) {
  std::string out;
  if (cb.box)
    cb.box->describe(out);
  else
    out += "Task.task_wakeup";
  return out + "()";
}

}  // namespace

std::string FutureCore::repr_info() const {
  std::string info = status == FutureStatus::pending     ? "pending"
                     : status == FutureStatus::cancelled ? "cancelled"
                                                         : "finished";
  if (status == FutureStatus::finished) {
    if (error) {
      info += " exception=" + exception_repr(error);
    } else {
      info += " result=";
      describe_result(info);
    }
  }
  const std::size_t n = callbacks.size();
  if (n > 0) {
    info += " cb=[" + format_callback(callbacks[0]);
    if (n == 2) info += ", " + format_callback(callbacks[1]);
    if (n > 2)
      info += ", <" + std::to_string(n - 2) + " more>, " + format_callback(callbacks[n - 1]);
    info += "]";
  }
  if (debug && source_line != 0)
    info += std::string(" created at ") + source_file + ":" + std::to_string(source_line);
  return info;
}

std::string FutureCore::repr() const { return "<" + std::string(class_name()) + " " + repr_info() + ">"; }

// ---- __del__ ----

bool FutureCore::unretrieved_report(ExceptionContext& context) const {
  if (!log_traceback) return false;
  context.message = std::string(class_name()) + " exception was never retrieved";
  context.exception = error;
  context.future = std::make_shared<ReprObject>(repr());  // EXC-08: 'future', tasks too
  if (debug && source_line != 0) context.source_traceback = source();
  return true;
}

void FutureCore::report(const ExceptionContext& context) const noexcept {
  try {
    if (loop != nullptr && EventLoop::is_alive(loop))
      loop->call_exception_handler(context);
    else
      log_exception_context(context);
  } catch (...) {
    // As an exception raised in __del__: there is no caller to give it to.
  }
}

void FutureCore::report_unretrieved() const noexcept {
  try {
    ExceptionContext context;
    if (unretrieved_report(context)) report(context);
  } catch (...) {
  }
}

void FutureCore::last_release() noexcept {
  if (log_traceback) [[unlikely]]
    report_unretrieved();
  delete this;
}

}  // namespace aio::detail
