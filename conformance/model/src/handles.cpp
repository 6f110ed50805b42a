// Handle and TimerHandle (events.py).
#include "handles.h"

#include "errors.h"
#include "event_loop.h"
#include "futures.h"

namespace loopcheck::refmodel {

Handle::Handle(std::function<void()> callback, CallbackInfo info, EventLoop& loop,
               ContextRef context)
    : loop_(loop), callback_(std::move(callback)), info_(info), context_(std::move(context)) {
  // if context is None: context = contextvars.copy_context()
  if (!context_) context_ = loop_.contexts().copy_context();
}

void Handle::cancel() {
  if (!cancelled_) {
    cancelled_ = true;
    has_callback_ = false;  // self._callback = None; self._args = None
  }
}

void Handle::run() {
  try {
    loop_.contexts().run(context_.get(), callback_);
  } catch (const PyError& e) {
    if (is_exit(e.exc)) throw;  // except (SystemExit, KeyboardInterrupt): raise
    ExceptionContext context;
    context.message = "Exception in callback " + format_callback_source();
    context.exception = e.exc;
    context.handle = this;
    loop_.call_exception_handler(context);
  }
}

std::string Handle::format_callback_source() const {
  if (!has_callback_) return "None";
  std::string out = info_.name;
  out += "(";
  if (info_.arg) out += info_.arg->repr();
  out += ")";
  if (info_.where) out += " at " + *info_.where;
  return out;
}

TimerHandle::TimerHandle(double when, std::uint64_t sequence, std::function<void()> callback,
                         CallbackInfo info, EventLoop& loop, ContextRef context)
    : Handle(std::move(callback), info, loop, std::move(context)),
      when_(when),
      sequence_(sequence) {}

void TimerHandle::cancel() {
  if (!cancelled()) loop_.timer_handle_cancelled(*this);
  Handle::cancel();
}

}  // namespace loopcheck::refmodel
