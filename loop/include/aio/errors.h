#pragma once
// The exception types of aio, shaped as Python's hierarchy so that messages and the
// "which exceptions escape the loop" rule read as in the asyncio docs.
//
//   std::exception
//   ├── aio::BaseException        escapes the loop: Handle::run re-raises it (RUN-15, EXC-06)
//   │   ├── aio::SystemExit
//   │   └── aio::KeyboardInterrupt
//   ├── aio::CancelledError       a BaseException in Python too, but one the loop reports like
//   │                             any error (EXC-01); not an aio::Exception (CAN-21)
//   └── std::runtime_error
//       └── aio::Exception        Python's Exception: reported to the exception handler
//           ├── RuntimeError ── NotImplementedError
//           ├── ValueError, TypeError, AttributeError
//           ├── LookupError ── KeyError
//           ├── InvalidStateError (asyncio.InvalidStateError)
//           └── OSError (errno) ── TimeoutError (asyncio.TimeoutError is TimeoutError)
//
// Any exception a callback throws that is not an aio::BaseException (std::exception or not)
// goes to the loop's exception handler and the batch continues, as in Handle._run.

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

namespace aio {

// Python's BaseException-but-not-Exception family that the loop never swallows. Derive your
// own from it to make an exception leave run_forever() the way SystemExit does.
class BaseException : public std::exception {
 public:
  explicit BaseException(std::string message = {}) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  // Python's class name, used by repr and log lines.
  virtual const char* type_name() const noexcept { return "BaseException"; }

 private:
  std::string message_;
};

class SystemExit : public BaseException {
 public:
  explicit SystemExit(int code = 0) : BaseException(std::to_string(code)), code_(code) {}
  int code() const noexcept { return code_; }
  const char* type_name() const noexcept override { return "SystemExit"; }

 private:
  int code_;
};

class KeyboardInterrupt : public BaseException {
 public:
  using BaseException::BaseException;
  const char* type_name() const noexcept override { return "KeyboardInterrupt"; }
};

// Python's Exception.
class Exception : public std::runtime_error {
 public:
  explicit Exception(const std::string& message = {}) : std::runtime_error(message) {}
  virtual const char* type_name() const noexcept { return "Exception"; }
};

#define AIO_DEFINE_EXCEPTION(Name, Base)                                    \
  class Name : public Base {                                                \
   public:                                                                  \
    using Base::Base;                                                       \
    const char* type_name() const noexcept override { return #Name; }       \
  }

AIO_DEFINE_EXCEPTION(RuntimeError, Exception);
AIO_DEFINE_EXCEPTION(NotImplementedError, RuntimeError);
AIO_DEFINE_EXCEPTION(ValueError, Exception);
AIO_DEFINE_EXCEPTION(TypeError, Exception);
AIO_DEFINE_EXCEPTION(LookupError, Exception);
AIO_DEFINE_EXCEPTION(KeyError, LookupError);
AIO_DEFINE_EXCEPTION(AttributeError, Exception);
// asyncio.InvalidStateError: a Future method called in the wrong state (FUT-01, FUT-02).
AIO_DEFINE_EXCEPTION(InvalidStateError, Exception);

#undef AIO_DEFINE_EXCEPTION

// Python's OSError: carries errno and reads "[Errno 9] Bad file descriptor".
class OSError : public Exception {
 public:
  explicit OSError(int err, const std::string& detail = {});
  int error_number() const noexcept { return errno_; }
  const char* type_name() const noexcept override { return "OSError"; }

 protected:
  struct Raw {};
  OSError(Raw, int err, const std::string& message) : Exception(message), errno_(err) {}

 private:
  int errno_;
};

// Python's TimeoutError (errno ETIMEDOUT), which asyncio.TimeoutError is since 3.11. Raised
// by wait_for with no message: TimeoutError().
class TimeoutError : public OSError {
 public:
  explicit TimeoutError(const std::string& message = {});
  const char* type_name() const noexcept override { return "TimeoutError"; }
};

// asyncio.CancelledError. Its message is Python's args: none (CancelledError()) or one string
// (CancelledError('msg')), the message given to cancel() (CAN-10, CAN-20).
class CancelledError : public std::exception {
 public:
  CancelledError() = default;
  explicit CancelledError(std::optional<std::string> message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_ ? message_->c_str() : ""; }
  const std::optional<std::string>& message() const noexcept { return message_; }
  const char* type_name() const noexcept { return "CancelledError"; }

 private:
  std::optional<std::string> message_;
};

// True if `error` holds an aio::CancelledError.
bool is_cancelled_error(const std::exception_ptr& error) noexcept;

// "RuntimeError: boom" for any exception, as the last line of a Python traceback; for a
// non-std exception, "unknown exception". Never throws.
std::string describe_exception(const std::exception_ptr& error) noexcept;
// Python's class name of the exception ("RuntimeError"), or the demangled C++ type name.
std::string exception_type_name(const std::exception_ptr& error) noexcept;

}  // namespace aio
