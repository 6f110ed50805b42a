#pragma once
// contextvars for the model: Context objects holding the scenario's one variable
// (`contextvars.ContextVar('var', default=None)`), copy_context() and Context.run(), and
// the current context of the (only) thread. Handles run their callback inside
// Context.run(handle's context); a task's steps run in the task's context.
//
// A Context is shared (ContextRef), as Python refers to the same Context object from several
// handles and from a task. Must not: know about the loop.

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace loopcheck::refmodel {

struct Context {
  std::optional<nlohmann::json> var;  // unset: var.get() is the default, None
  bool entered = false;
  std::uint64_t serial = 0;  // for its repr
};
using ContextRef = std::shared_ptr<Context>;

class Contexts {
 public:
  Contexts();
  Contexts(const Contexts&) = delete;
  Contexts& operator=(const Contexts&) = delete;

  Context* current() const { return current_; }
  // contextvars.copy_context(): a new Context with the current one's variables.
  ContextRef copy_context();

  // Context.run(fn): enters `context` (RuntimeError if it is entered already), runs fn,
  // and leaves it again, also when fn raises. The caller keeps `context` alive.
  template <class F>
  void run(Context* context, F&& fn) {
    struct Leave {
      Contexts* self;
      Context* previous;
      ~Leave() { self->leave(previous); }
    } leave{this, enter(context)};
    fn();
  }

  // var.get() and var.set(value) in the current context.
  nlohmann::json get_var() const;
  void set_var(nlohmann::json value);

 private:
  // Makes `context` current; returns the context it replaces.
  Context* enter(Context* context);
  void leave(Context* previous);
  ContextRef make(std::optional<nlohmann::json> var);

  std::uint64_t made_ = 0;
  ContextRef main_;  // the thread's context outside any Context.run
  Context* current_ = nullptr;
};

}  // namespace loopcheck::refmodel
