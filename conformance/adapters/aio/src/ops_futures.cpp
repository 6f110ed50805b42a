// Steps on futures and tasks: create_future, set_result, set_exception, done callbacks,
// create_task, uncancel.
#include "model.h"
#include "run.h"

namespace loopcheck::aio_adapter {

bool Run::step_tasks(const std::string& op, const json& st) {
  if (op == "create_future") {
    Obj obj;
    obj.kind = kFuture;
    obj.future = loop_->create_future<json>();
    obj.base = obj.future;
    put(st.at("id"), std::move(obj));
  } else if (op == "set_result") {
    get(st.at("future")).future.set_result(st.value("value", json()));
  } else if (op == "set_exception") {
    std::optional<std::string> message;
    if (st.contains("message")) message = st["message"].get<std::string>();
    get(st.at("future")).future.set_exception(make_error(st.at("type"), message));
  } else if (op == "add_done_callback") {
    const std::string id = st.at("id");
    std::optional<DoneCallback> fn;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = callbacks_.find(id);
      if (it == callbacks_.end() && st.contains("do"))
        it = callbacks_.emplace(id, DoneCallback{this, id, &st["do"]}).first;
      if (it != callbacks_.end()) fn = it->second;
    }
    if (!fn) throw Abort{"invalid", "done callback '" + id + "' is used before the step that defines it ran"};
    aio::FutureBase future = get(st.at("future")).base;
    if (st.contains("context"))
      future.add_done_callback(get(st["context"]).context, *fn);
    else
      future.add_done_callback(*fn);
  } else if (op == "remove_done_callback") {
    const std::string id = st.at("id");
    std::optional<DoneCallback> fn;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = callbacks_.find(id);
      if (it != callbacks_.end()) fn = it->second;
    }
    if (!fn) throw Abort{"invalid", "done callback '" + id + "' was never added"};
    aio::FutureBase future = get(st.at("future")).base;
    result(st, future.remove_done_callback(*fn));
  } else if (op == "create_task") {
    std::optional<std::string> name;
    if (st.contains("name")) name = st["name"].get<std::string>();
    Obj obj;
    obj.kind = kTask;
    std::optional<aio::Context> context;
    if (st.contains("context")) context = get(st["context"]).context;
    obj.task = loop_->create_task(task_body(this, &st.at("body")), name, context);
    obj.future = obj.task;
    obj.base = obj.task;
    put(st.at("id"), std::move(obj));
  } else if (op == "uncancel") {
    result(st, get(st.at("task")).task.uncancel());
  } else {
    return false;
  }
  return true;
}

}  // namespace loopcheck::aio_adapter
