// aio::Context and ContextVar: the per-thread current context and the immutable mappings.
#include "aio/context.h"

#include <algorithm>

namespace aio::detail {

namespace {

std::atomic<std::uint64_t> var_ids{0};

template <class Vars>
auto lower_bound(Vars& vars, std::uint64_t var) {
  return std::lower_bound(vars.entries.begin(), vars.entries.end(), var,
                          [](const ContextVars::Entry& e, std::uint64_t v) { return e.var < v; });
}

}  // namespace

ContextData& thread_base_context() noexcept {
  thread_local ContextData base;
  return base;
}

void throw_context_already_entered() {
  throw RuntimeError("cannot enter context: <Context object> is already entered");
}

std::uint64_t next_var_id() noexcept { return var_ids.fetch_add(1, std::memory_order_relaxed) + 1; }

const void* find_var(const ContextVars* vars, std::uint64_t var) noexcept {
  if (!vars) return nullptr;
  auto it = lower_bound(*vars, var);
  return it != vars->entries.end() && it->var == var ? it->value.get() : nullptr;
}

VarsPtr with_var(const VarsPtr& vars, std::uint64_t var, std::shared_ptr<const void> value) {
  auto out = std::make_shared<ContextVars>();
  if (vars) out->entries = vars->entries;
  auto it = lower_bound(*out, var);
  if (it != out->entries.end() && it->var == var)
    it->value = std::move(value);
  else
    out->entries.insert(it, ContextVars::Entry{var, std::move(value)});
  return out;
}

VarsPtr without_var(const VarsPtr& vars, std::uint64_t var) {
  if (!vars) return vars;
  auto out = std::make_shared<ContextVars>(*vars);
  auto it = lower_bound(*out, var);
  if (it != out->entries.end() && it->var == var) out->entries.erase(it);
  return out;
}

VarsPtr captured_vars_slow() {
  const VarsPtr& vars = current_context().vars;
  return vars && !vars->entries.empty() ? vars : VarsPtr{};
}

}  // namespace aio::detail
