// futures.Future, with the C implementation's messages.
#include "futures.h"

#include "event_loop.h"
#include "json_copy.h"
#include "loopcheck/json.h"

namespace loopcheck::refmodel {

bool Future::cancel(const std::optional<std::string>& msg) {
  return future_cancel(msg);
}

bool Future::future_cancel(const std::optional<std::string>& msg) {
  if (state_ != State::pending) return false;
  state_ = State::cancelled;
  cancel_message_ = msg;
  schedule_callbacks();
  return true;
}

void Future::schedule_callbacks() {
  // Empties the list, then call_soon(callback, self, context=ctx) for each, in order. If a
  // call_soon raises (a closed loop), the rest are dropped, as in CPython.
  std::vector<std::pair<DoneCallback, ContextRef>> callbacks = std::move(callbacks_);
  callbacks_.clear();
  for (auto& [callback, context] : callbacks) {
    std::function<void(Future*)> fn = std::move(callback.fn);
    loop_.call_soon([fn = std::move(fn), self = this] { fn(self); },
                    CallbackInfo{callback.name, callback.where, this}, context);
  }
}

Exc Future::make_cancelled_error() {
  if (cancelled_exc_) return std::exchange(cancelled_exc_, nullptr);  // transfer ownership
  return make_exception("CancelledError", cancel_message_.value_or(""));
}

nlohmann::json Future::result() {
  if (state_ == State::cancelled) raise(make_cancelled_error());
  if (state_ != State::finished) raise("InvalidStateError", "Result is not set.");
  if (exception_) raise(exception_);
  return result_;
}

Exc Future::exception() {
  if (state_ == State::cancelled) raise(make_cancelled_error());
  if (state_ != State::finished) raise("InvalidStateError", "Exception is not set.");
  return exception_;
}

void Future::add_done_callback(DoneCallback fn, ContextRef context) {
  // The C Future copies the current context when none is given, done or not.
  if (!context) context = loop_.contexts().copy_context();
  if (state_ != State::pending) {
    std::function<void(Future*)> call = std::move(fn.fn);
    loop_.call_soon([call = std::move(call), self = this] { call(self); },
                    CallbackInfo{fn.name, fn.where, this}, std::move(context));
  } else {
    callbacks_.emplace_back(std::move(fn), std::move(context));
  }
}

int Future::remove_done_callback(const void* identity) {
  const std::size_t before = callbacks_.size();
  std::erase_if(callbacks_,
                [identity](const auto& entry) { return entry.first.identity == identity; });
  return static_cast<int>(before - callbacks_.size());
}

void Future::set_result(nlohmann::json result) {
  future_set_result(std::move(result));
}

void Future::set_exception(Exc exception) {
  future_set_exception(std::move(exception));
}

void Future::future_set_result(nlohmann::json result) {
  if (state_ != State::pending) raise("InvalidStateError", "invalid state");
  result_ = std::move(result);
  state_ = State::finished;
  schedule_callbacks();
}

void Future::future_set_exception(Exc exception) {
  if (state_ != State::pending) raise("InvalidStateError", "invalid state");
  exception_ = std::move(exception);
  state_ = State::finished;
  schedule_callbacks();
}

std::string Future::repr_info() const {
  if (state_ == State::pending) return "pending";
  if (state_ == State::cancelled) return "cancelled";
  if (exception_) return "finished exception=" + exception_repr(exception_);
  return "finished result=" + loopcheck::py_repr(json_copy<loopcheck::Json>(result_));
}

std::string Future::repr() const {
  return "<Future " + repr_info() + ">";
}

}  // namespace loopcheck::refmodel
