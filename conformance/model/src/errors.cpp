// Python exceptions of the scenario language, as values.
#include "errors.h"

#include "loopcheck/json.h"
#include "loopcheck/model.h"

namespace loopcheck::refmodel {

Exc make_exception(std::string type, std::string message) {
  return std::make_shared<const PyException>(PyException{std::move(type), std::move(message)});
}

void raise(Exc exc) {
  throw PyError{std::move(exc)};
}

void raise(std::string type, std::string message) {
  raise(make_exception(std::move(type), std::move(message)));
}

bool isinstance(const Exc& exc, const std::string& type) {
  return exc && loopcheck::model::is_subclass(exc->type, type);
}

bool is_cancelled_error(const Exc& exc) {
  return exc && exc->type == "CancelledError";
}

bool is_exit(const Exc& exc) {
  return exc && (exc->type == "SystemExit" || exc->type == "KeyboardInterrupt");
}

Exc as_exception(const std::exception_ptr& error) {
  if (!error) return nullptr;
  try {
    std::rethrow_exception(error);
  } catch (const PyError& e) {
    return e.exc;
  } catch (...) {
    return nullptr;
  }
}

nlohmann::json error_json(const Exc& exc) {
  if (!exc) return nullptr;
  return {{"type", exc->type}, {"message", exc->message}};
}

std::string exception_repr(const Exc& exc) {
  if (!exc) return "None";
  if (exc->message.empty()) return exc->type + "()";
  return exc->type + "(" + loopcheck::py_str_repr(exc->message) + ")";
}

}  // namespace loopcheck::refmodel
