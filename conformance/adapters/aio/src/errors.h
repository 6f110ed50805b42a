#pragma once
// The error types of the scenario language (README section 4) as aio exceptions, and the
// adapter's internal signals. aio has most of Python's types; the ones it lacks
// (ZeroDivisionError, BlockingIOError, OSError and SystemExit with a plain message) are
// defined here on aio's bases, so the loop treats them as it treats their Python originals.

#include <exception>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "aio/errors.h"

namespace loopcheck::aio_adapter {

// Ends a run early with a protocol status ("invalid", "stalled") and a message. Internal: not
// a std::exception, never caught by a scenario's `try`, never shown to the loop as an error.
struct Abort {
  std::string status;
  std::string message;
};

class ZeroDivisionError : public aio::Exception {
 public:
  using aio::Exception::Exception;
  const char* type_name() const noexcept override { return "ZeroDivisionError"; }
};

// OSError('message'): Python's str() is the message itself (aio::OSError(errno) formats one).
class PlainOSError : public aio::OSError {
 public:
  explicit PlainOSError(const std::string& message, int err = 0) : aio::OSError(Raw{}, err, message) {}
};

class BlockingIOError : public aio::OSError {
 public:
  explicit BlockingIOError(const std::string& message, int err = 0) : aio::OSError(Raw{}, err, message) {}
  const char* type_name() const noexcept override { return "BlockingIOError"; }
};

// SystemExit('message'): aio::SystemExit takes an exit code; Python's takes any argument.
class MessageSystemExit : public aio::SystemExit {
 public:
  explicit MessageSystemExit(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// "[Errno 11] Resource temporarily unavailable", as Python's OSError str.
std::string errno_message(int err);
// The exception `Type(message)` (`Type()` without a message) of a scenario error type name.
std::exception_ptr make_error(const std::string& type, const std::optional<std::string>& message);
[[noreturn]] void raise_error(const std::string& type, const std::optional<std::string>& message);
// An OSError for a failed read/write: BlockingIOError for EAGAIN, OSError otherwise.
[[noreturn]] void raise_os_error(int err);

// {type, message} of an exception (Python's type(e).__name__ and str(e)); null for none.
nlohmann::json error_json(const std::exception_ptr& error);
// isinstance(error, Type) over the closed set of types (section 4). Internal signals (Abort,
// the simulator's Deadlock) are instances of nothing.
bool is_instance(const std::exception_ptr& error, const std::string& type);
// Abort or aio::sim::Deadlock: ends the run, never caught by a scenario.
bool is_internal(const std::exception_ptr& error);

}  // namespace loopcheck::aio_adapter
