#pragma once
// futures.Future as CPython 3.11 runs it (the C Future of _asynciomodule.c, whose messages
// differ from futures.py's: "invalid state", "Result is not set."; catalogue, Appendix B):
// result/exception/cancel(msg), done callbacks scheduled with call_soon in registration
// order, and the saved CancelledError (_cancelled_exc) that the first result() or
// exception() of a task cancelled from inside raises, and later ones do not.
// Must not: run a callback itself (every done callback goes through loop.call_soon).

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "contexts.h"
#include "errors.h"

namespace loopcheck::refmodel {

class EventLoop;
class Future;

// A done callback `fn(future)`. Two are the same function (remove_done_callback's
// `f != fn`) when their identities are.
struct DoneCallback {
  const void* identity;
  std::function<void(Future*)> fn;
  const char* name = "callback";
  const std::string* where = nullptr;
};

class Future {
 public:
  enum class State { pending, cancelled, finished };

  explicit Future(EventLoop& loop) : loop_(loop) {}
  virtual ~Future() = default;
  Future(const Future&) = delete;
  Future& operator=(const Future&) = delete;

  // Future.cancel(msg): False if done; else cancelled, callbacks scheduled, True.
  // Task and _GatheringFuture have their own.
  virtual bool cancel(const std::optional<std::string>& msg = std::nullopt);
  bool cancelled() const { return state_ == State::cancelled; }
  bool done() const { return state_ != State::pending; }
  // Raise as CPython's do: CancelledError, InvalidStateError, the stored exception.
  nlohmann::json result();
  Exc exception();
  void add_done_callback(DoneCallback fn, ContextRef context = nullptr);
  int remove_done_callback(const void* identity);
  virtual void set_result(nlohmann::json result);
  virtual void set_exception(Exc exception);

  // _make_cancelled_error: the saved CancelledError once, else CancelledError(msg).
  Exc make_cancelled_error();
  // _cancel_message.
  const std::optional<std::string>& cancel_message() const { return cancel_message_; }
  EventLoop& get_loop() const { return loop_; }
  // repr(), for the messages that show one (the model does not claim the `repr` capability).
  virtual std::string repr() const;

 protected:
  // What Task.__step does with super(): Future's own methods, whatever the subclass.
  bool future_cancel(const std::optional<std::string>& msg);
  void future_set_result(nlohmann::json result);
  void future_set_exception(Exc exception);
  // "pending", "cancelled", "finished result=1": the state part of the repr.
  std::string repr_info() const;

  EventLoop& loop_;
  std::optional<std::string> cancel_message_;
  Exc cancelled_exc_;

 private:
  void schedule_callbacks();

  State state_ = State::pending;
  nlohmann::json result_;
  Exc exception_;
  std::vector<std::pair<DoneCallback, ContextRef>> callbacks_;
};

}  // namespace loopcheck::refmodel
