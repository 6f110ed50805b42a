// Control flow and observation: raise, reraise, try, record, observe, block.
#include "aio/task.h"
#include "model.h"
#include "run.h"

namespace loopcheck::aio_adapter {

bool Run::step_flow(const std::string& op, const json& st, const std::exception_ptr& exc) {
  if (op == "raise") {
    std::optional<std::string> message;
    if (st.contains("message")) message = st["message"].get<std::string>();
    raise_error(st.at("type"), message);
  } else if (op == "reraise") {
    if (!exc) throw Abort{"invalid", "reraise outside an except clause"};
    std::rethrow_exception(exc);
  } else if (op == "try") {
    try_sync(st, exc);
  } else if (op == "record") {
    json fields = {{"name", st.at("name")}};
    if (st.contains("value")) fields["value"] = st["value"];
    trace_.emit("record", std::move(fields));
  } else if (op == "observe") {
    observe(st);
  } else if (op == "block") {
    host_.block(st.at("seconds").get<double>());
  } else {
    return false;
  }
  return true;
}

void Run::try_sync(const json& st, const std::exception_ptr& outer) {
  std::exception_ptr error;
  try {
    steps(st.at("do"), outer);
  } catch (...) {
    error = std::current_exception();
  }
  if (error) {
    if (const json* clause = handler_for(st, error)) {
      std::exception_ptr handled = error;
      error = nullptr;
      try {
        steps(clause->at("do"), handled);
      } catch (...) {
        error = std::current_exception();
      }
    }
  }
  if (st.contains("finally")) steps(st["finally"], outer);  // an exception here replaces `error`
  if (error) std::rethrow_exception(error);
}

void Run::observe(const json& st) {
  const std::string what = st.at("what");
  auto [id, prop] = *parse_expr(what);
  json value = id.empty() ? loop_property(prop) : object_property(get(id), prop);
  json fields = {{"name", st.value("as", what)}, {"value", value}};
  if (is_time_property(prop)) {
    fields["value"] = round9(value.get<double>());
    fields["time"] = true;
  }
  trace_.emit("value", std::move(fields));
}

json Run::loop_property(const std::string& prop) {
  aio::EventLoop& loop = *loop_;
  if (prop == "is_running") return loop.is_running();
  if (prop == "is_closed") return loop.is_closed();
  if (prop == "get_debug") return loop.get_debug();
  if (prop == "time") return elapsed();
  if (prop == "current_task") {
    aio::TaskBase task = aio::current_task(&loop);
    return task ? task_id(task) : json();
  }
  if (prop == "all_tasks") return aio::all_tasks(&loop).size();
  if (prop == "get_exception_handler") {
    if (!loop.get_exception_handler() || !handler_mode_) return nullptr;
    return *handler_mode_;
  }
  // 1.1
  if (prop == "var") return var_.get();
  if (prop == "get_task_factory") {
    if (!loop.get_task_factory() || !factory_mode_) return nullptr;
    return *factory_mode_;
  }
  if (prop == "scheduled_count") return loop.scheduled_count();
  if (prop == "timer_cancelled_count") return loop.timer_cancelled_count();
  if (prop == "iterations") return loop.iteration_count();
  throw Abort{"invalid", "unknown loop property '" + prop + "'"};
}

json Run::object_property(const Obj& obj, const std::string& prop) {
  if (obj.kind == kHandle || obj.kind == kTimer) {
    if (prop == "cancelled") return obj.handle.cancelled();
    if (prop == "when" && obj.kind == kTimer) return obj.timer.when() - t0_;
  } else if (obj.kind == kFuture || obj.kind == kTask || obj.kind == kGather) {
    if (prop == "done") return obj.base.done();
    if (prop == "cancelled") return obj.base.cancelled();
    if (prop == "result") return result_of(obj);
    if (prop == "exception") return error_json(obj.base.exception());
    if (obj.kind == kTask && prop == "cancelling") return obj.task.cancelling();
    if (obj.kind == kTask && prop == "get_name") return obj.task.get_name();
  }
  throw Abort{"invalid", "a " + obj.kind + " has no property '" + prop + "'"};
}

}  // namespace loopcheck::aio_adapter
