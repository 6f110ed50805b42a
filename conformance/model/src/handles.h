#pragma once
// events.Handle and events.TimerHandle (Lib/asyncio/events.py): a callback the loop will
// call, inside Context.run of the context it was created with, and its cancellation.
// Handle._run sends an exception that escapes the callback to the loop's exception handler,
// except SystemExit and KeyboardInterrupt, which leave the loop.
//
// Handles are shared (HandleRef) by the loop's queues and the scenario's ids, and go when
// the last of them lets go, as in Python. Must not: run anything but from EventLoop::run_once (the
// only place callbacks are called).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "contexts.h"

namespace loopcheck::refmodel {

class EventLoop;
class Future;

// What format_helpers._format_callback_source shows of a callback: `name(args) at where`.
struct CallbackInfo {
  const char* name = "callback";
  const std::string* where = nullptr;  // the place in the scenario, if the callback is steps
  Future* arg = nullptr;               // the future a done callback is called with
};

class Handle {
 public:
  Handle(std::function<void()> callback, CallbackInfo info, EventLoop& loop, ContextRef context);
  virtual ~Handle() = default;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  virtual void cancel();
  bool cancelled() const { return cancelled_; }
  // Handle._run: the callback inside Context.run; errors to the exception handler.
  void run();
  // "name() at where", or "None" once cancel() has dropped the callback.
  std::string format_callback_source() const;

 protected:
  EventLoop& loop_;

 private:
  std::function<void()> callback_;
  CallbackInfo info_;
  ContextRef context_;
  bool cancelled_ = false;
  bool has_callback_ = true;  // cancel() sets _callback = None (kept here: it may be running)
};

class TimerHandle final : public Handle {
 public:
  TimerHandle(double when, std::uint64_t sequence, std::function<void()> callback,
              CallbackInfo info, EventLoop& loop, ContextRef context);

  // Tells the loop first (_timer_handle_cancelled), then Handle.cancel.
  void cancel() override;
  double when() const { return when_; }
  // The order call_at scheduled it in: the tie-break of TieBreak::fifo.
  std::uint64_t sequence() const { return sequence_; }

  // TimerHandle._scheduled: in the loop's _scheduled heap. Only the loop sets it.
  bool scheduled = false;

 private:
  double when_;
  std::uint64_t sequence_;
};

using HandleRef = std::shared_ptr<Handle>;
using TimerRef = std::shared_ptr<TimerHandle>;

}  // namespace loopcheck::refmodel
