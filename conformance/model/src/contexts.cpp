// contextvars: copy_context, Context.run, the variable.
#include "contexts.h"

#include <cstdio>

#include "errors.h"

namespace loopcheck::refmodel {

Contexts::Contexts() : main_(make(std::nullopt)) {
  current_ = main_.get();
}

ContextRef Contexts::make(std::optional<nlohmann::json> var) {
  auto context = std::make_shared<Context>();
  context->var = std::move(var);
  context->serial = ++made_;
  return context;
}

ContextRef Contexts::copy_context() {
  return make(current_->var);
}

Context* Contexts::enter(Context* context) {
  if (context->entered) {
    // PyContext_Enter: "cannot enter context: %R is already entered". The address is a
    // stand-in (the context's serial number).
    char repr[80];
    std::snprintf(repr, sizeof repr, "<_contextvars.Context object at 0x%012llx>",
                  static_cast<unsigned long long>(context->serial));
    raise("RuntimeError", std::string("cannot enter context: ") + repr + " is already entered");
  }
  context->entered = true;
  Context* previous = current_;
  current_ = context;
  return previous;
}

void Contexts::leave(Context* previous) {
  current_->entered = false;
  current_ = previous;
}

nlohmann::json Contexts::get_var() const {
  return current_->var.value_or(nlohmann::json());
}

void Contexts::set_var(nlohmann::json value) {
  current_->var = std::move(value);
}

}  // namespace loopcheck::refmodel
