// ExceptionContext: keys, reprs and the traceback-frame format of the log lines.
#include "aio/exception_context.h"

#include <algorithm>

#include "aio/errors.h"
#include "aio/repr.h"

namespace aio {

namespace {

std::string object_repr(const std::shared_ptr<const ContextObject>& object) {
  return object ? object->repr() : "None";
}

}  // namespace

std::vector<std::string> ExceptionContext::keys() const {
  std::vector<std::string> out;
  auto add = [&out](const char* key, bool present) {
    if (present) out.emplace_back(key);
  };
  // Alphabetical, so that merging in `extra` keeps the whole list sorted.
  add("asyncgen", asyncgen != nullptr);
  add("context", context != nullptr);
  add("exception", exception != nullptr);
  add("future", future != nullptr);
  add("handle", static_cast<bool>(handle));
  add("handle_traceback", handle_traceback.has_value());
  add("message", !message.empty());
  add("protocol", protocol != nullptr);
  add("socket", socket != nullptr);
  add("source_traceback", source_traceback.has_value());
  add("task", task != nullptr);
  add("transport", transport != nullptr);
  for (const auto& [key, value] : extra) {
    auto at = std::lower_bound(out.begin(), out.end(), key);
    if (at == out.end() || *at != key) out.insert(at, key);
  }
  return out;
}

bool ExceptionContext::contains(const std::string& key) const {
  const std::vector<std::string> all = keys();
  return std::binary_search(all.begin(), all.end(), key);
}

std::string ExceptionContext::value_repr(const std::string& key) const {
  if (key == "message") return repr_string(message);
  if (key == "exception") return exception_repr(exception);
  if (key == "handle") return handle.repr();
  if (key == "future") return object_repr(future);
  if (key == "task") return object_repr(task);
  if (key == "protocol") return object_repr(protocol);
  if (key == "transport") return object_repr(transport);
  if (key == "socket") return object_repr(socket);
  if (key == "asyncgen") return object_repr(asyncgen);
  if (key == "context") return context ? context->repr() : "None";
  if (key == "source_traceback" && source_traceback) return "[" + format_frame(*source_traceback) + "]";
  if (key == "handle_traceback" && handle_traceback) return "[" + format_frame(*handle_traceback) + "]";
  auto it = extra.find(key);
  return it == extra.end() ? "" : it->second;
}

std::string ExceptionContext::repr() const {
  // Insertion order as Handle._run builds it: message, exception, then the rest.
  std::vector<std::string> order;
  if (!message.empty()) order.emplace_back("message");
  if (exception) order.emplace_back("exception");
  for (const std::string& key : keys())
    if (key != "message" && key != "exception") order.push_back(key);
  std::string out = "{";
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i) out += ", ";
    out += repr_string(order[i]) + ": " + value_repr(order[i]);
  }
  return out + "}";
}

std::string exception_repr(const std::exception_ptr& error) {
  if (!error) return "None";
  std::string name = exception_type_name(error);
  std::string what;
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError& e) {
    // Python's args: CancelledError() without a message, CancelledError('') with an empty one.
    return name + "(" + (e.message() ? repr_string(*e.message()) : "") + ")";
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  return name + "(" + (what.empty() ? "" : repr_string(what)) + ")";
}

std::string format_frame(const Location& where) {
  std::string out = "  File \"";
  out += where.file;
  out += "\", line " + std::to_string(where.line);
  if (where.function && *where.function) {
    out += ", in ";
    out += where.function;
  }
  return out;
}

}  // namespace aio
