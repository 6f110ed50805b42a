// Scenario error types on aio's exception hierarchy.
#include "errors.h"

#include <cerrno>
#include <cstring>

#include "aio/sim/deadlock.h"

namespace loopcheck::aio_adapter {

namespace {

template <class E>
bool holds(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const E&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

std::string errno_message(int err) {
  return "[Errno " + std::to_string(err) + "] " + std::strerror(err);
}

std::exception_ptr make_error(const std::string& type, const std::optional<std::string>& message) {
  try {
    raise_error(type, message);
  } catch (...) {
    return std::current_exception();
  }
}

void raise_error(const std::string& type, const std::optional<std::string>& message) {
  const std::string text = message.value_or("");
  if (type == "BaseException") throw aio::BaseException(text);
  if (type == "SystemExit") throw MessageSystemExit(text);
  if (type == "KeyboardInterrupt") throw aio::KeyboardInterrupt(text);
  if (type == "CancelledError") throw aio::CancelledError(message);
  if (type == "Exception") throw aio::Exception(text);
  if (type == "RuntimeError") throw aio::RuntimeError(text);
  if (type == "ValueError") throw aio::ValueError(text);
  if (type == "TypeError") throw aio::TypeError(text);
  if (type == "ZeroDivisionError") throw ZeroDivisionError(text);
  if (type == "InvalidStateError") throw aio::InvalidStateError(text);
  if (type == "OSError") throw PlainOSError(text);
  if (type == "TimeoutError") throw aio::TimeoutError(text);
  if (type == "BlockingIOError") throw BlockingIOError(text);
  throw Abort{"invalid", "unknown error type '" + type + "'"};
}

void raise_os_error(int err) {
  if (err == EAGAIN || err == EWOULDBLOCK) throw BlockingIOError(errno_message(err), err);
  throw aio::OSError(err);
}

nlohmann::json error_json(const std::exception_ptr& error) {
  if (!error) return nullptr;
  std::string message;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
  }
  return {{"type", aio::exception_type_name(error)}, {"message", message}};
}

bool is_internal(const std::exception_ptr& error) {
  return holds<Abort>(error) || holds<aio::sim::Deadlock>(error);
}

bool is_instance(const std::exception_ptr& error, const std::string& type) {
  if (!error || is_internal(error)) return false;
  if (type == "BaseException") return true;
  if (type == "SystemExit") return holds<aio::SystemExit>(error);
  if (type == "KeyboardInterrupt") return holds<aio::KeyboardInterrupt>(error);
  if (type == "CancelledError") return holds<aio::CancelledError>(error);
  if (type == "Exception") {
    // Anything that is not one of Python's BaseException-only types (a std::exception the
    // loop raises, say std::bad_alloc, is MemoryError in Python: an Exception).
    return !holds<aio::BaseException>(error) && !holds<aio::CancelledError>(error);
  }
  if (type == "RuntimeError") return holds<aio::RuntimeError>(error);
  if (type == "ValueError") return holds<aio::ValueError>(error);
  if (type == "TypeError") return holds<aio::TypeError>(error);
  if (type == "ZeroDivisionError") return holds<ZeroDivisionError>(error);
  if (type == "InvalidStateError") return holds<aio::InvalidStateError>(error);
  if (type == "OSError") return holds<aio::OSError>(error);
  if (type == "TimeoutError") return holds<aio::TimeoutError>(error);
  if (type == "BlockingIOError") return holds<BlockingIOError>(error);
  return false;
}

}  // namespace loopcheck::aio_adapter
