// Error handling API: call_exception_handler and default_exception_handler
// (base_events.py), with CPython's fallbacks and log layout (EXC-01, EXC-03..07).
#include <cxxabi.h>

#include "aio/event_loop.h"
#include "aio/logging.h"

namespace aio {

void log_exception_context(const ExceptionContext& context) {
  std::string message = context.message.empty() ? "Unhandled exception in event loop" : context.message;
  for (const std::string& key : context.keys()) {
    if (key == "message" || key == "exception") continue;
    std::string value;
    if (key == "source_traceback")
      value = "Object created at (most recent call last):\n" + format_frame(*context.source_traceback);
    else if (key == "handle_traceback")
      value = "Handle created at (most recent call last):\n" + format_frame(*context.handle_traceback);
    else
      value = context.value_repr(key);
    message += "\n" + key + ": " + value;
  }
  log(LogLevel::error, std::move(message), context.exception);
}

void EventLoop::default_exception_handler(const ExceptionContext& context) {
  // EXC-07: the current handle's origin is added when the context has no source_traceback.
  if (!context.source_traceback && current_handle_ && current_handle_->debug &&
      current_handle_->line() != 0) {
    ExceptionContext shown = context;
    shown.handle_traceback = Location{current_handle_->file(), "", current_handle_->line()};
    log_exception_context(shown);
    return;
  }
  log_exception_context(context);
}

void EventLoop::call_exception_handler(const ExceptionContext& context) {
  if (!exception_handler_) {
    try {
      default_exception_handler(context);
    } catch (const BaseException&) {
      throw;  // EXC-06
    } catch (abi::__forced_unwind&) {
      throw;
    } catch (...) {
      log(LogLevel::error, "Exception in default exception handler", std::current_exception());
    }
    return;
  }
  try {
    // Copy: the handler may replace itself while it runs.
    ExceptionHandler handler = exception_handler_;
    handler(*this, context);
  } catch (const BaseException&) {
    throw;  // EXC-06
  } catch (abi::__forced_unwind&) {
    throw;
  } catch (...) {
    // EXC-04: the default handler reports the handler's failure with the original context.
    ExceptionContext failure;
    failure.message = "Unhandled error in exception handler";
    failure.exception = std::current_exception();
    failure.context = std::make_shared<ExceptionContext>(context);
    try {
      default_exception_handler(failure);
    } catch (const BaseException&) {
      throw;
    } catch (abi::__forced_unwind&) {
      throw;
    } catch (...) {
      // EXC-05
      log(LogLevel::error,
          "Exception in default exception handler while handling an unexpected error in "
          "custom exception handler",
          std::current_exception());
    }
  }
}

}  // namespace aio
