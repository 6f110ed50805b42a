// Steps that schedule callbacks, run and stop the loop, and set its exception handler and
// debug mode (README section 3, "Operations").
#include <optional>

#include "aio/run_until_complete.h"
#include "model.h"
#include "run.h"

namespace loopcheck::aio_adapter {

namespace {

std::optional<double> number_or_none(const json& v) {
  if (v.is_null()) return std::nullopt;
  return v.get<double>();
}

Obj handle_obj(aio::Handle handle) {
  Obj obj;
  obj.kind = kHandle;
  obj.handle = std::move(handle);
  return obj;
}

Obj timer_obj(aio::TimerHandle timer) {
  Obj obj;
  obj.kind = kTimer;
  obj.handle = timer;
  obj.timer = std::move(timer);
  return obj;
}

}  // namespace

bool Run::step_schedule(const std::string& op, const json& st) {
  aio::EventLoop& loop = *loop_;
  const json id = st.value("id", json());
  // 1.1: `context=`, a context made by copy_context.
  std::optional<aio::Context> context;
  if (st.contains("context")) context = get(st["context"]).context;
  if (op == "call_soon") {
    StepsCallback cb{this, &st.at("do")};
    put(id, handle_obj(context ? loop.call_soon(*context, cb) : loop.call_soon(cb)));
  } else if (op == "call_later") {
    StepsCallback cb{this, &st.at("do")};
    std::optional<double> delay = number_or_none(st.at("delay"));
    put(id, timer_obj(context ? loop.call_later(*context, delay, cb) : loop.call_later(delay, cb)));
  } else if (op == "call_at") {
    StepsCallback cb{this, &st.at("do")};
    std::optional<double> at = number_or_none(st.at("at"));
    if (at) *at += t0_;
    put(id, timer_obj(context ? loop.call_at(*context, at, cb) : loop.call_at(at, cb)));
  } else if (op == "call_soon_threadsafe") {
    put(id, handle_obj(loop.call_soon_threadsafe(StepsCallback{this, &st.at("do")})));
  } else if (op == "cancel") {
    Obj target = get(st.at("target"));
    if (target.kind == kHandle || target.kind == kTimer) {
      if (st.contains("msg")) throw Abort{"invalid", "cancel: msg applies to futures and tasks only"};
      target.handle.cancel();
      result(st, nullptr);
    } else {
      std::optional<std::string> msg;
      if (st.contains("msg")) msg = st["msg"].get<std::string>();
      result(st, target.base.cancel(msg));
    }
  } else if (op == "run_forever") {
    loop.run_forever();
  } else if (op == "run_until_complete") {
    if (st.contains("target")) {
      Obj target = get(st["target"]);
      if (target.kind == kGather) {
        if (target.gather_errors) loop.run_until_complete(target.gather_errors);
        else loop.run_until_complete(target.gather_values);
        result(st, result_of(target));
      } else {
        json value = loop.run_until_complete(target.future);
        result(st, std::move(value));
      }
    } else {
      json value = loop.run_until_complete(task_body(this, &st.at("body")));
      result(st, std::move(value));
    }
  } else if (op == "stop") {
    loop.stop();
  } else if (op == "close") {
    loop.close();
  } else if (op == "set_exception_handler") {
    set_exception_handler(st);
  } else if (op == "set_debug") {
    loop.set_debug(st.at("enabled").get<bool>());
  } else {
    return false;
  }
  return true;
}

void Run::set_exception_handler(const json& st) {
  const std::string mode = st.at("mode");
  if (mode == "default") {
    loop_->set_exception_handler(nullptr);
    handler_mode_.reset();
    return;
  }
  std::optional<std::string> type, message;
  if (st.contains("type")) type = st["type"].get<std::string>();
  if (st.contains("message")) message = st["message"].get<std::string>();
  loop_->set_exception_handler([this, type, message](aio::EventLoop&, const aio::ExceptionContext& context) {
    trace_.emit("handler", {{"message", context.message},
                            {"keys", context.keys()},
                            {"exception", error_json(context.exception)}});
    if (type) raise_error(*type, message);
  });
  handler_mode_ = mode;
}

}  // namespace loopcheck::aio_adapter
