#pragma once
// Typed result storage of futures and tasks, the plain future's state, and the boxes that hold
// done callbacks. Internal to aio (future.h and task.h build on it).

#include <optional>
#include <string>
#include <type_traits>
#include <typeinfo>

#include "aio/context.h"
#include "aio/detail/callback.h"
#include "aio/detail/future_core.h"
#include "aio/repr.h"

namespace aio::detail {

template <class T>
struct ResultSlot {
  static_assert(!std::is_reference_v<T>, "a Future holds a value, not a reference");
  std::optional<T> value;
  void describe(std::string& out) const { out += value ? repr(*value) : "None"; }
};
template <>
struct ResultSlot<void> {
  void describe(std::string& out) const { out += "None"; }
};

template <class T>
ResultSlot<T>& slot_of(FutureCore* core) noexcept {
  return *static_cast<ResultSlot<T>*>(core->result_slot);
}

template <class T>
class FutureState final : public FutureCore {
 public:
  explicit FutureState(EventLoop* owner) noexcept : FutureCore(owner, typeid(T), false) {
    result_slot = &slot_;
  }
  void describe_result(std::string& out) const override { slot_.describe(out); }

 protected:
  // FutureCore's, with the destructor known (a future per task hand-off dies here).
  void last_release() noexcept override {
    if (log_traceback) [[unlikely]]
      report_unretrieved();
    delete this;
  }

 private:
  ResultSlot<T> slot_;
};

// A done callback: the callable F, called with the future as `Arg` (or with nothing), in the
// context captured when it was added (a copy of the current one, or `context=`).
template <class F, class Arg>
class Box final : public CallbackBox {
 public:
  Box(F fn, VarsPtr vars, std::optional<Context> context)
      : fn_(std::move(fn)), vars_(std::move(vars)), context_(std::move(context)) {}

  void invoke(FutureCore& future) override {
    if (context_) {
      context_->run([&] { call(future); });
    } else {
      ContextData data{vars_};
      EnteredContext entered(data);
      call(future);
    }
  }
  void describe(std::string& out) const override { out += callable_name(fn_); }
  bool holds(const std::type_info& type, const void* fn) const noexcept override {
    if (type != typeid(F)) return false;
    if constexpr (std::equality_comparable<F>)
      return fn_ == *static_cast<const F*>(fn);
    else
      return true;
  }

 private:
  void call(FutureCore& future) {
    if constexpr (std::is_invocable_v<F&, Arg&>) {
      future.add_ref();
      Arg arg = Arg::adopt(&future);
      fn_(arg);
    } else {
      fn_();
    }
  }
  F fn_;
  VarsPtr vars_;
  std::optional<Context> context_;
};

// Boxes fn for add_done_callback on a future viewed as `Arg` (Future<T>, Task<T> or FutureBase).
template <class Arg, class F>
CallbackBox* make_box(F&& fn, std::optional<Context> context) {
  using D = std::decay_t<F>;
  static_assert(std::is_invocable_v<D&, Arg&> || std::is_invocable_v<D&>,
                "a done callback takes the future (or nothing)");
  VarsPtr vars = context ? VarsPtr{} : captured_vars();
  return new Box<D, Arg>(std::forward<F>(fn), std::move(vars), std::move(context));
}

}  // namespace aio::detail
