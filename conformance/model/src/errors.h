#pragma once
// Python exceptions in the model, and the interpreter's internal signals.
//
// An exception is a value (its class name and str()), shared as Python objects are: a
// future stores one and every awaiter raises that same object. The model raises it as the
// C++ exception PyError, so that model code reads as the Python it transliterates
// (`raise RuntimeError('Event loop is closed')` is `raise("RuntimeError", "Event loop is
// closed")`). The classes are the scenario language's closed set (scenarios/README.md,
// section 4); isinstance follows its hierarchy.
//
// Internal signals (Abort, Stalled, Return) are not PyErrors: no `try` clause and no
// exception handler ever sees them. Must not: know about the loop.

#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace loopcheck::refmodel {

struct PyException {
  std::string type;     // the class name: ValueError, CancelledError, ...
  std::string message;  // str(exception)
};
using Exc = std::shared_ptr<const PyException>;

// Type(message), or Type() without one (str() is then "").
Exc make_exception(std::string type, std::string message = {});

// What `raise exc` throws.
struct PyError {
  Exc exc;
};
[[noreturn]] void raise(Exc exc);
[[noreturn]] void raise(std::string type, std::string message = {});

// isinstance(exc, Type) over the language's hierarchy (CancelledError is a BaseException).
bool isinstance(const Exc& exc, const std::string& type);
bool is_cancelled_error(const Exc& exc);
// SystemExit or KeyboardInterrupt: what the loop lets through.
bool is_exit(const Exc& exc);

// The Python exception `error` holds, or null (an internal signal, or a bug in the model).
Exc as_exception(const std::exception_ptr& error);

// {type, message} of an exception (error_json in the Python driver); null for none.
nlohmann::json error_json(const Exc& exc);
// repr(exc): ValueError('boom'), ValueError() (for messages that show one).
std::string exception_repr(const Exc& exc);

// Ends the run with a protocol status: `invalid` (a problem of the scenario found while it
// runs, such as an id used before the step that creates it ran) or `unsupported`.
struct Abort {
  std::string status;
  std::string message;
};

// vtime.Stalled: the loop would wait forever (no timer, nothing ready).
struct Stalled {
  std::string message;
};

// The `return` step of a task body (interp._Return): unwinds to the body, running the
// `finally` steps on its way, and ends the coroutine with `value`.
struct Return {
  nlohmann::json value;
};

}  // namespace loopcheck::refmodel
