#pragma once
// Handle and TimerHandle: what call_soon, call_later and call_at return (asyncio's
// "Callback Handles"). A Handle refers to a scheduled callback; cancel() stops it from running.
// Copies refer to the same callback. No loop logic here beyond cancellation bookkeeping.

#include <string>

#include "aio/detail/handle_state.h"

namespace aio {

class Handle {
 public:
  Handle() = default;  // refers to nothing; cancel() and cancelled() are then no-ops/false
  Handle(const Handle& other) noexcept : state_(other.state_) {
    if (state_) state_->add_ref();
  }
  Handle(Handle&& other) noexcept : state_(other.state_) { other.state_ = nullptr; }
  Handle& operator=(Handle other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~Handle() {
    if (state_) detail::release(state_);
  }

  // Cancels the callback. Idempotent. If the callback already ran, it has no effect on
  // execution but cancelled() becomes true (CAN-01, CAN-02, D-07). The callback and its
  // arguments are released at once (in debug mode the repr is kept first).
  void cancel();
  // True once cancel() was called.
  bool cancelled() const noexcept {
    return state_ && state_->cancelled.load(std::memory_order_relaxed);
  }
  // As Python's repr: "<Handle f(1) at file.cpp:12>", "<Handle cancelled>", and in debug mode
  // "... created at file.cpp:12".
  std::string repr() const;
  // "f(1) at file.cpp:12": the callback, its arguments and where it was scheduled.
  std::string format_callback_source() const;
  // Where the callback was scheduled (the call site of call_soon and friends).
  Location source_location() const noexcept {
    return state_ ? Location{state_->file(), "", state_->line()} : Location{};
  }

  explicit operator bool() const noexcept { return state_ != nullptr; }
  friend bool operator==(const Handle& a, const Handle& b) noexcept {
    return a.state_ == b.state_;
  }

  // Takes ownership of one reference. Internal.
  static Handle adopt(detail::HandleState* state) noexcept {
    Handle h;
    h.state_ = state;
    return h;
  }
  detail::HandleState* state() const noexcept { return state_; }

 protected:
  detail::HandleState* state_ = nullptr;
};

class TimerHandle : public Handle {
 public:
  TimerHandle() = default;
  // The absolute time, on loop.time()'s clock, at which the callback is scheduled (ORD-09).
  double when() const noexcept { return state_ ? detail::as_timer(state_)->when : 0.0; }

  static TimerHandle adopt(detail::HandleState* state) noexcept {
    TimerHandle h;
    h.state_ = state;
    return h;
  }
};

}  // namespace aio
