// gather's outer future (tasks.py: gather, _GatheringFuture).
#include "aio/gather.h"

#include <algorithm>

namespace aio::detail {

namespace {

struct ChildDone {
  CoreRef outer;
  void operator()(FutureBase& child) const {
    static_cast<GatheringCore*>(outer.get())->child_done(*child.core());
  }
  static const char* name() noexcept { return "gather._done_callback"; }
};

}  // namespace

GatheringCore::GatheringCore(EventLoop* owner, const std::type_info& type,
                             std::vector<FutureBase> kids, bool return_exceptions)
    : FutureCore(owner, type, false),
      children(std::move(kids)),
      return_exceptions_(return_exceptions) {}

void GatheringCore::watch_children() {
  if (children.empty()) {
    set_results();  // gather() of nothing: done at once
    return;
  }
  for (std::size_t i = 0; i < children.size(); ++i) {
    const auto first = std::find(children.begin(), children.end(), children[i]);
    if (first != children.begin() + static_cast<std::ptrdiff_t>(i)) continue;  // a repeat
    if (children[i].core()->loop != loop)
      throw ValueError("futures are tied to different event loops");
    ++distinct_;
    children[i].add_done_callback(ChildDone{CoreRef(this)});
  }
}

bool GatheringCore::cancel(std::optional<std::string> msg) {
  if (done()) return false;
  bool any = false;
  for (FutureBase& child : children)
    if (child.cancel(msg)) any = true;
  if (any) cancel_requested_ = true;
  return any;
}

void GatheringCore::child_done(FutureCore& child) {
  ++finished_;
  if (done()) {
    if (!child.cancelled()) child.exception();  // mark it retrieved
    return;
  }
  if (!return_exceptions_) {
    if (child.cancelled()) {
      FutureCore::set_exception(child.make_cancelled_error());
      return;
    }
    if (std::exception_ptr failure = child.exception()) {
      FutureCore::set_exception(failure);
      return;
    }
  }
  if (finished_ < distinct_) return;
  if (cancel_requested_) {
    FutureCore::set_exception(child.make_cancelled_error());
    return;
  }
  for (FutureBase& c : children)
    if (!c.cancelled()) c.exception();  // the results read them all
  set_results();
}

std::vector<std::exception_ptr> FillExceptions::operator()(
    const std::vector<FutureBase>& children) const {
  std::vector<std::exception_ptr> out;
  out.reserve(children.size());
  for (const FutureBase& child : children) {
    FutureCore* c = child.core();
    if (c->cancelled())
      out.push_back(std::make_exception_ptr(CancelledError(c->cancel_message().value_or(""))));
    else
      out.push_back(c->error);
  }
  return out;
}

}  // namespace aio::detail
