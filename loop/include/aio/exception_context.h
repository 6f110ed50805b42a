#pragma once
// The context passed to exception handlers (asyncio's `context` dict of
// call_exception_handler). Typed fields for the documented keys, plus `extra` for any other
// key. Pure data and formatting: no loop logic.

#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aio/handle.h"
#include "aio/location.h"

namespace aio {

// Something that can appear under a context key (a future, task, protocol, transport,
// socket...). It only has to say what it is.
class ContextObject {
 public:
  virtual ~ContextObject() = default;
  virtual std::string repr() const = 0;
};

// A ContextObject that is just its repr, for keys whose objects C++ code does not have.
class ReprObject final : public ContextObject {
 public:
  explicit ReprObject(std::string text) : text_(std::move(text)) {}
  std::string repr() const override { return text_; }

 private:
  std::string text_;
};

struct ExceptionContext {
  std::string message;                              // 'message'
  std::exception_ptr exception;                     // 'exception'
  Handle handle;                                    // 'handle' (empty: absent)
  std::shared_ptr<const ContextObject> future;      // 'future'
  std::shared_ptr<const ContextObject> task;        // 'task'
  std::shared_ptr<const ContextObject> protocol;    // 'protocol'
  std::shared_ptr<const ContextObject> transport;   // 'transport'
  std::shared_ptr<const ContextObject> socket;      // 'socket'
  std::shared_ptr<const ContextObject> asyncgen;    // 'asyncgen'
  std::shared_ptr<const ExceptionContext> context;  // 'context': the one a handler failed on
  // 'source_traceback' / 'handle_traceback': where the object or current handle was created
  // (debug mode). C++ keeps one frame: the call site.
  std::optional<Location> source_traceback;
  std::optional<Location> handle_traceback;
  std::map<std::string, std::string> extra;         // any other key, value already a repr

  // The keys present, sorted, as sorted(context) in Python.
  std::vector<std::string> keys() const;
  bool contains(const std::string& key) const;
  // repr(value) of one key ("" when absent); 'message' gives the repr of the string.
  std::string value_repr(const std::string& key) const;
  // As Python's dict repr: {'message': '...', 'exception': RuntimeError('boom'), ...}
  std::string repr() const;
};

// Logs `context` as the default exception handler does (EXC-07): the message, then one line per
// other key in sorted order, with the exception. For reports of objects whose loop is gone.
void log_exception_context(const ExceptionContext& context);

// repr(exc) as Python shows it: RuntimeError('boom').
std::string exception_repr(const std::exception_ptr& error);
// One traceback frame as traceback.format_list writes it.
std::string format_frame(const Location& where);

}  // namespace aio
