#pragma once
// aio::Context and aio::ContextVar<T>: a minimal analogue of Python's contextvars, so that the
// `context=` parameter of call_soon, call_later, call_at and add_done_callback, and a task's own
// context, mean what the docs say (ORD-13, FUT-05).
//
//   aio::ContextVar<int> request_id("request_id", 0);
//   request_id.set(7);
//   loop.call_soon([&] { std::printf("%d\n", request_id.get()); });  // 7, even if set() again
//
// Semantics, as contextvars:
// - Every thread has a current context. ContextVar::set changes the current context only.
// - copy_context() snapshots the current context (O(1): the mapping is immutable and shared).
// - Context::run(fn) makes the context current while fn runs; what fn sets stays in that
//   context. A context can be entered by one run() at a time.
// - A callback scheduled without `context=` runs in a copy of the context current when it was
//   scheduled; so does a done callback. A task runs every step in its own context.
// Cost: while no ContextVar was ever set in a thread, capturing its context costs nothing.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aio/errors.h"

namespace aio {

namespace detail {

// An immutable mapping from ContextVar ids to values, sorted by id.
struct ContextVars {
  struct Entry {
    std::uint64_t var;
    std::shared_ptr<const void> value;
  };
  std::vector<Entry> entries;
};
using VarsPtr = std::shared_ptr<const ContextVars>;

// A context's state: the mapping it holds now, and whether a run() has it entered.
struct ContextData {
  VarsPtr vars;
  bool entered = false;
};

// The context a thread is in when nothing else was entered.
ContextData& thread_base_context() noexcept;
// The context entered in this thread; null while it is the thread's base context.
inline thread_local ContextData* tls_current_context = nullptr;

// The calling thread's current context (never null).
inline ContextData& current_context() noexcept {
  ContextData* current = tls_current_context;
  return current ? *current : thread_base_context();
}
// Makes `data` current (null: the base context); returns the previous one, to restore.
inline ContextData* swap_current_context(ContextData* data) noexcept {
  return std::exchange(tls_current_context, data);
}

// True once this thread set a ContextVar or entered a context holding variables: until then
// every context it could be in is empty, and capturing one costs nothing.
inline thread_local bool tls_context_used = false;

VarsPtr captured_vars_slow();
// The current mapping, or null while it is empty: what a callback scheduled now captures.
inline VarsPtr captured_vars() {
  if (!tls_context_used) [[likely]]
    return {};
  return captured_vars_slow();
}

// A callable run in its own context, a copy of the one current when it was scheduled (a
// callback scheduled without `context=`). The copy is made once, as Handle's is: a reader
// called again and again runs in the same context and sees what it set there before.
template <class F>
struct RunInVars {
  ContextData context;
  F fn;
  template <class... A>
  void operator()(A&... args);
  F& target() noexcept { return fn; }
  const F& target() const noexcept { return fn; }
};
// A callable run inside a given context (`context=ctx`).
template <class F>
struct RunInContext;

const void* find_var(const ContextVars* vars, std::uint64_t var) noexcept;
VarsPtr with_var(const VarsPtr& vars, std::uint64_t var, std::shared_ptr<const void> value);
VarsPtr without_var(const VarsPtr& vars, std::uint64_t var);
std::uint64_t next_var_id() noexcept;

[[noreturn]] void throw_context_already_entered();

// Enters `data` for the lifetime of the scope (Context.run's try/finally).
class EnteredContext {
 public:
  explicit EnteredContext(ContextData& data) : data_(data) {
    if (data.vars) tls_context_used = true;
    if (data.entered) throw_context_already_entered();
    data.entered = true;
    previous_ = swap_current_context(&data);
  }
  ~EnteredContext() {
    data_.entered = false;
    tls_current_context = previous_;
  }
  EnteredContext(const EnteredContext&) = delete;
  EnteredContext& operator=(const EnteredContext&) = delete;

 private:
  ContextData& data_;
  ContextData* previous_;
};

template <class F>
template <class... A>
void RunInVars<F>::operator()(A&... args) {
  EnteredContext entered(context);
  fn(args...);
}

}  // namespace detail

class Context {
 public:
  // An empty context (contextvars.Context()).
  Context() : data_(std::make_shared<detail::ContextData>()) {}

  // Runs fn(args...) with this context current. RuntimeError("cannot enter context: <Context>
  // is already entered") if a run() of this context is under way.
  template <class F, class... Args>
  decltype(auto) run(F&& fn, Args&&... args) {
    detail::EnteredContext entered(*data_);
    return std::forward<F>(fn)(std::forward<Args>(args)...);
  }
  // Number of variables set in it.
  std::size_t size() const noexcept { return data_->vars ? data_->vars->entries.size() : 0; }
  friend bool operator==(const Context& a, const Context& b) noexcept { return a.data_ == b.data_; }

  // A context over an existing mapping (copy_context's work). Internal.
  static Context from_vars(detail::VarsPtr vars) {
    Context context;
    context.data_->vars = std::move(vars);
    return context;
  }
  detail::ContextData& data() const noexcept { return *data_; }

 private:
  std::shared_ptr<detail::ContextData> data_;
};

// contextvars.copy_context(): a new context holding the current context's variables.
inline Context copy_context() { return Context::from_vars(detail::current_context().vars); }

// A token from ContextVar::set, for reset().
class ContextVarToken {
 public:
  bool used() const noexcept { return used_; }

 private:
  template <class T>
  friend class ContextVar;
  ContextVarToken(std::uint64_t var, const detail::ContextData* context,
                  std::shared_ptr<const void> old)
      : var_(var), context_(context), old_(std::move(old)) {}
  std::uint64_t var_;
  const detail::ContextData* context_;
  std::shared_ptr<const void> old_;  // null: the variable had no value
  bool used_ = false;
};

template <class T>
class ContextVar {
 public:
  explicit ContextVar(std::string name) : name_(std::move(name)) {}
  ContextVar(std::string name, T default_value)
      : name_(std::move(name)), default_(std::make_shared<const T>(std::move(default_value))) {}
  ContextVar(const ContextVar&) = delete;
  ContextVar& operator=(const ContextVar&) = delete;

  const std::string& name() const noexcept { return name_; }

  // The value in the current context, else the default; LookupError if there is neither.
  T get() const {
    if (const T* value = find()) return *value;
    if (default_) return *default_;
    throw LookupError("<ContextVar name=" + repr_name() + ">");
  }
  // The value in the current context, else `fallback`.
  T get(T fallback) const {
    const T* value = find();
    return value ? *value : fallback;
  }
  // Sets the value in the current context; the token undoes it with reset().
  ContextVarToken set(T value) {
    detail::tls_context_used = true;
    detail::ContextData& context = detail::current_context();
    auto old_value = find_shared(context);
    context.vars = detail::with_var(context.vars, id_, std::make_shared<const T>(std::move(value)));
    return ContextVarToken(id_, &context, std::move(old_value));
  }
  // Restores the value the variable had before the set() that made `token`. ValueError if the
  // token was made by another variable or in another context; RuntimeError if it was used.
  void reset(ContextVarToken& token) {
    if (token.used_) throw RuntimeError("<Token used var=<ContextVar name=" + repr_name() + ">> has already been used once");
    if (token.var_ != id_) throw ValueError("Token was created by a different ContextVar");
    detail::ContextData& context = detail::current_context();
    if (token.context_ != &context) throw ValueError("Token was created in a different Context");
    context.vars = token.old_ ? detail::with_var(context.vars, id_, token.old_)
                              : detail::without_var(context.vars, id_);
    token.used_ = true;
  }

 private:
  const T* find() const noexcept {
    const detail::ContextData& context = detail::current_context();
    return static_cast<const T*>(detail::find_var(context.vars.get(), id_));
  }
  std::shared_ptr<const void> find_shared(const detail::ContextData& context) const {
    if (!context.vars) return {};
    for (const auto& entry : context.vars->entries)
      if (entry.var == id_) return entry.value;
    return {};
  }
  std::string repr_name() const { return "'" + name_ + "'"; }

  std::string name_;
  std::shared_ptr<const T> default_;
  std::uint64_t id_ = detail::next_var_id();
};

namespace detail {
template <class F>
struct RunInContext {
  Context context;
  F fn;
  template <class... A>
  void operator()(A&... args) {
    context.run([&] { fn(args...); });
  }
  F& target() noexcept { return fn; }
  const F& target() const noexcept { return fn; }
};
}  // namespace detail

}  // namespace aio
