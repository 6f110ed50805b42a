#pragma once
// Type-erased storage for "a callback and its arguments", the (callback, args) pair of a
// Python Handle. Small callables live inline in the handle; larger ones on the heap.
// Internal to aio: no loop logic here, only construction, invocation and description.

#include <cstddef>
#include <functional>
#include <new>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "aio/repr.h"

namespace aio::detail {

struct CallbackOps {
  void (*invoke)(void* storage);
  void (*destroy)(void* storage) noexcept;  // null when there is nothing to destroy
  // Appends "name(arg1, arg2)" as _format_callback does.
  void (*describe)(const void* storage, std::string& out);
  // What stands for the whole handle in debug logs, when it is not the handle's own repr:
  // a task's step shows as the task (base_events._format_handle). Null for plain callbacks.
  void (*format_handle)(const void* storage, std::string& out);
};

// The callable's display name: a member `name()` if it has one, the wrapped callable's name for
// a wrapper with `target()` (a callback bound to a context), else its C++ type name.
template <class F>
std::string callable_name(const F& fn) {
  if constexpr (requires { { fn.name() } -> std::convertible_to<std::string>; }) {
    return std::string(fn.name());
  } else if constexpr (requires { fn.target(); }) {
    return callable_name(fn.target());
  } else {
    return demangled_type_name(typeid(F));
  }
}

template <class F, class... Args>
struct Bound {
  F fn;
  [[no_unique_address]] std::tuple<Args...> args;  // no room taken when there are none

  void operator()() { std::apply(fn, args); }

  void describe(std::string& out) const {
    out += callable_name(fn);
    out += '(';
    describe_args(out, std::index_sequence_for<Args...>{});
    out += ')';
  }
  static constexpr bool kFormatsHandle = requires(const F& f) {
    { f.handle_repr() } -> std::convertible_to<std::string>;
  };
  void format_handle(std::string& out) const {
    if constexpr (kFormatsHandle) out += fn.handle_repr();
  }

  template <std::size_t... I>
  void describe_args(std::string& out, std::index_sequence<I...>) const {
    ((out += (I == 0 ? "" : ", "), out += repr(std::get<I>(args))), ...);
  }
};

// Whether the bound callback B lives inline in `capacity` bytes of a handle.
template <class B, std::size_t capacity>
inline constexpr bool kFitsInline =
    sizeof(B) <= capacity && alignof(B) <= 8 && std::is_nothrow_move_constructible_v<B>;

template <class B>
struct InlineOps {
  static void invoke(void* s) { (*std::launder(static_cast<B*>(s)))(); }
  static void destroy(void* s) noexcept { std::launder(static_cast<B*>(s))->~B(); }
  static void describe(const void* s, std::string& out) {
    std::launder(static_cast<const B*>(s))->describe(out);
  }
  static void format_handle(const void* s, std::string& out) {
    std::launder(static_cast<const B*>(s))->format_handle(out);
  }
  static constexpr CallbackOps ops{&invoke,
                                   std::is_trivially_destructible_v<B> ? nullptr : &destroy,
                                   &describe, B::kFormatsHandle ? &format_handle : nullptr};
};

template <class B>
struct HeapOps {
  static B* get(const void* s) { return *static_cast<B* const*>(s); }
  static void invoke(void* s) { (*get(s))(); }
  static void destroy(void* s) noexcept { delete get(s); }
  static void describe(const void* s, std::string& out) { get(s)->describe(out); }
  static void format_handle(const void* s, std::string& out) { get(s)->format_handle(out); }
  static constexpr CallbackOps ops{&invoke, &destroy, &describe,
                                   B::kFormatsHandle ? &format_handle : nullptr};
};

// The operations of the bound callback B held in `capacity` bytes of a handle: inline if it
// fits, else on the heap (the storage then holds the pointer).
template <class B, std::size_t capacity>
constexpr const CallbackOps* callback_ops() noexcept {
  static_assert(capacity >= sizeof(B*));
  if constexpr (kFitsInline<B, capacity>)
    return &InlineOps<B>::ops;
  else
    return &HeapOps<B>::ops;
}

// Constructs the bound callback in `storage` (`capacity` bytes), as callback_ops says.
template <std::size_t capacity, class F, class... Args>
void construct_callback(void* storage, F&& fn, Args&&... args) {
  using B = Bound<std::decay_t<F>, std::decay_t<Args>...>;
  static_assert(std::is_invocable_v<std::decay_t<F>&, std::decay_t<Args>&...>,
                "the callback must be callable with the given arguments");
  if constexpr (kFitsInline<B, capacity>)
    ::new (storage) B{std::forward<F>(fn), {std::forward<Args>(args)...}};
  else
    *static_cast<B**>(storage) = new B{std::forward<F>(fn), {std::forward<Args>(args)...}};
}

}  // namespace aio::detail
