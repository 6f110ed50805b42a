#pragma once
// aio::shield: asyncio.shield. Returns a future that follows `inner` but whose cancellation does
// not reach it: cancelling the returned future leaves `inner` running.
//
//   int v = co_await aio::shield(Future<int>(task));

#include "aio/future.h"

namespace aio {

namespace detail {

template <class T>
struct ShieldInnerDone {
  Future<T> outer;
  void operator()(Future<T>& inner) const {
    Future<T> out = outer;
    if (out.cancelled()) {
      if (!inner.cancelled()) inner.exception();  // mark it retrieved
      return;
    }
    if (inner.cancelled()) {
      out.cancel();
    } else if (std::exception_ptr error = inner.exception()) {
      out.set_exception(error);
    } else if constexpr (std::is_void_v<T>) {
      out.set_result();
    } else {
      out.set_result(inner.result());
    }
  }
  friend bool operator==(const ShieldInnerDone& a, const ShieldInnerDone& b) noexcept {
    return a.outer == b.outer;
  }
  static const char* name() noexcept { return "shield._inner_done_callback"; }
};

template <class T>
struct ShieldOuterDone {
  Future<T> inner;
  void operator()(Future<T>& outer) const {
    Future<T> in = inner;
    if (!in.done()) in.remove_done_callback(ShieldInnerDone<T>{outer});
  }
  static const char* name() noexcept { return "shield._outer_done_callback"; }
};

}  // namespace detail

template <class T>
Future<T> shield(Future<T> inner) {
  if (inner.done()) return inner;
  Future<T> outer = inner.get_loop().template create_future<T>();
  inner.add_done_callback(detail::ShieldInnerDone<T>{outer});
  outer.add_done_callback(detail::ShieldOuterDone<T>{inner});
  return outer;
}

}  // namespace aio
