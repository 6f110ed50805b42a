#pragma once
// asyncio.gather(*futures, return_exceptions=...) and its _GatheringFuture (tasks.py): a
// future whose result is the list of its children's results, in argument order. Without
// return_exceptions the first exception (or cancellation) of a child becomes its outcome;
// with it, exceptions are items of the list. cancel(msg) cancels the children instead.
// A result list holds exceptions as {type, message}, the form the trace shows them in.
// Must not: schedule anything itself (children's done callbacks do the work).

#include <vector>

#include "futures.h"

namespace loopcheck::refmodel {

class GatheringFuture final : public Future {
 public:
  GatheringFuture(EventLoop& loop, std::vector<Future*> children)
      : Future(loop), children_(std::move(children)) {}
  bool cancel(const std::optional<std::string>& msg = std::nullopt) override;
  std::string repr() const override { return "<_GatheringFuture " + repr_info() + ">"; }
  bool cancel_requested() const { return cancel_requested_; }

 private:
  std::vector<Future*> children_;
  bool cancel_requested_ = false;
};

// gather(*args): `args` is not empty (the language requires one future at least).
GatheringFuture* gather(EventLoop& loop, const std::vector<Future*>& args, bool return_exceptions);

}  // namespace loopcheck::refmodel
