// tasks.gather and _GatheringFuture.
#include "gather.h"

#include <algorithm>
#include <memory>

#include "event_loop.h"

namespace loopcheck::refmodel {

bool GatheringFuture::cancel(const std::optional<std::string>& msg) {
  if (done()) return false;
  bool ret = false;
  for (Future* child : children_)
    if (child->cancel(msg)) ret = true;
  if (ret) {
    // If any child tasks were actually cancelled, we should propagate the cancellation
    // request regardless of *return_exceptions* argument.
    cancel_requested_ = true;
  }
  return ret;
}

namespace {

// The variables gather's _done_callback closes over.
struct Gathering {
  std::vector<Future*> children;
  std::size_t nfuts = 0;
  std::size_t nfinished = 0;
  GatheringFuture* outer = nullptr;
  bool return_exceptions = false;
};

void done_callback(Gathering& g, Future* fut) {
  g.nfinished += 1;
  if (g.outer == nullptr || g.outer->done()) {
    if (!fut->cancelled()) {
      // Mark exception retrieved.
      fut->exception();
    }
    return;
  }
  if (!g.return_exceptions) {
    if (fut->cancelled()) {
      // Check if 'fut' is cancelled first, as 'fut.exception()' will *raise* a
      // CancelledError instead of returning it.
      g.outer->set_exception(fut->make_cancelled_error());
      return;
    }
    if (Exc exc = fut->exception()) {
      g.outer->set_exception(exc);
      return;
    }
  }
  if (g.nfinished == g.nfuts) {
    // All futures are done; create a list of results and set it to the 'outer' future.
    nlohmann::json results = nlohmann::json::array();
    for (Future* child : g.children) {
      if (child->cancelled()) {
        // Check if 'fut' is cancelled first, as 'fut.exception()' will *raise* a
        // CancelledError instead of returning it.
        results.push_back(
            error_json(make_exception("CancelledError", child->cancel_message().value_or(""))));
      } else if (Exc res = child->exception()) {
        results.push_back(error_json(res));
      } else {
        results.push_back(child->result());
      }
    }
    if (g.outer->cancel_requested()) {
      // If gather is being cancelled we must propagate the cancellation regardless of
      // *return_exceptions* argument. `fut` is the loop variable of the list above in
      // CPython, so the error comes from the last child.
      g.outer->set_exception(g.children.back()->make_cancelled_error());
    } else {
      g.outer->set_result(std::move(results));
    }
  }
}

}  // namespace

GatheringFuture* gather(EventLoop& loop, const std::vector<Future*>& args, bool return_exceptions) {
  auto g = std::make_shared<Gathering>();
  g->return_exceptions = return_exceptions;
  std::vector<Future*> seen;  // arg_to_fut: each future once
  for (Future* fut : args) {
    if (std::find(seen.begin(), seen.end(), fut) == seen.end()) {
      seen.push_back(fut);
      g->nfuts += 1;
      fut->add_done_callback(
          DoneCallback{g.get(), [g](Future* f) { done_callback(*g, f); }, "_done_callback"});
    }
    g->children.push_back(fut);
  }
  g->outer = loop.adopt(std::make_unique<GatheringFuture>(loop, g->children));
  return g->outer;
}

}  // namespace loopcheck::refmodel
