#pragma once
// aio::gather: asyncio.gather for futures and tasks of one result type (coroutines: wrap them
// with create_task first, in the order they should start, as gather does: FUT-13).
//
//   Future<std::vector<int>> all = aio::gather(std::vector<Future<int>>{t1, t2, t3});
//   std::vector<int> values = co_await all;   // in argument order
//
// Without return_exceptions, the first child to fail (or be cancelled) fails the gather; the
// others keep running. With aio::return_exceptions, the gather waits for all of them and gives
// each child's exception (null for success; CancelledError for a cancelled child).
// Cancelling the gather cancels every child (_GatheringFuture.cancel). A child passed twice is
// waited for once and reported twice, as in Python.

#include <exception>
#include <vector>

#include "aio/future.h"

namespace aio {

struct ReturnExceptions {};
inline constexpr ReturnExceptions return_exceptions{};

namespace detail {

// _GatheringFuture: the outer future; cancel() goes to the children.
class GatheringCore : public FutureCore {
 public:
  GatheringCore(EventLoop* owner, const std::type_info& type, std::vector<FutureBase> children,
                bool return_exceptions);
  bool cancel(std::optional<std::string> msg) override;
  const char* class_name() const noexcept override { return "_GatheringFuture"; }
  // _done_callback of one distinct child.
  void child_done(FutureCore& child);
  // Hooks every distinct child up (gather's loop over its arguments).
  void watch_children();

  std::vector<FutureBase> children;  // with repeats, in argument order

 protected:
  // Every child is done and none failed the gather: set the result from `children`.
  virtual void set_results() = 0;

 private:
  std::size_t distinct_ = 0;
  std::size_t finished_ = 0;
  bool return_exceptions_;
  bool cancel_requested_ = false;
};

template <class R, class Fill>
class Gathering final : public GatheringCore {
 public:
  Gathering(EventLoop* owner, std::vector<FutureBase> kids, bool exceptions)
      : GatheringCore(owner, typeid(R), std::move(kids), exceptions) {
    result_slot = &slot_;
  }
  void describe_result(std::string& out) const override { slot_.describe(out); }

 private:
  void set_results() override {
    if constexpr (std::is_void_v<R>) {
      finish_with_result();
    } else {
      slot_.value.emplace(Fill{}(children));
      finish_with_result();
    }
  }
  ResultSlot<R> slot_;
};

template <class T>
struct FillValues {
  std::vector<T> operator()(const std::vector<FutureBase>& children) const {
    std::vector<T> out;
    out.reserve(children.size());
    for (const FutureBase& child : children) out.push_back(*slot_of<T>(child.core()).value);
    return out;
  }
};

struct FillExceptions {
  std::vector<std::exception_ptr> operator()(const std::vector<FutureBase>& children) const;
};

template <class R, class Fill>
Future<R> start_gather(std::vector<FutureBase> children, bool exceptions) {
  EventLoop* loop = children.empty() ? &get_running_loop() : &children.front().get_loop();
  auto* core = new Gathering<R, Fill>(loop, std::move(children), exceptions);
  Future<R> outer = Future<R>::adopt(core);
  core->watch_children();
  return outer;
}

}  // namespace detail

// All results, in order; fails with the first child's exception.
template <class T>
Future<std::vector<T>> gather(std::vector<Future<T>> children) {
  return detail::start_gather<std::vector<T>, detail::FillValues<T>>(
      std::vector<FutureBase>(children.begin(), children.end()), false);
}
inline Future<void> gather(std::vector<Future<void>> children) {
  return detail::start_gather<void, void>(std::vector<FutureBase>(children.begin(), children.end()),
                                          false);
}
// gather(*children, return_exceptions=True): every child's exception, null for success.
inline Future<std::vector<std::exception_ptr>> gather(std::vector<FutureBase> children,
                                                      ReturnExceptions) {
  return detail::start_gather<std::vector<std::exception_ptr>, detail::FillExceptions>(
      std::move(children), true);
}

}  // namespace aio
