// The operations of language 1.1 (scenarios/README.md, "Changelog"): the context variable and
// contexts, the default executor, gather, the task factory, reprs and `repeat`. (`await` of a
// gather, `shutdown_default_executor` and `repeat` inside task bodies are in task_body.cpp.)
#include "aio/run_in_executor.h"
#include "model.h"
#include "run.h"

namespace loopcheck::aio_adapter {

bool Run::step_v11(const std::string& op, const json& st, const std::exception_ptr& exc) {
  if (op == "set_var") {
    var_.set(st.at("value"));
  } else if (op == "copy_context") {
    Obj obj;
    obj.kind = kContext;
    obj.context = aio::copy_context();
    put(st.at("id"), std::move(obj));
  } else if (op == "run_in_context") {
    aio::Context context = get(st.at("context")).context;
    const json& body = st.at("do");
    context.run([&] { steps(body, nullptr); });
  } else if (op == "run_in_executor") {
    run_in_executor(st);
  } else if (op == "set_default_executor") {
    loop_->set_default_executor(seams_.os->new_thread_pool("asyncio"));
  } else if (op == "gather") {
    gather(st);
  } else if (op == "set_task_factory") {
    set_task_factory(st.at("mode"));
  } else if (op == "repr") {
    const std::string target = st.at("target");
    Obj obj = get(target);
    std::string text = (obj.kind == kHandle || obj.kind == kTimer) ? obj.handle.repr() : obj.base.repr();
    trace_.emit("repr", {{"name", st.value("as", target)}, {"message", std::move(text)}});
  } else if (op == "repeat") {
    const int times = st.at("times").get<int>();
    for (int i = 0; i < times; ++i) steps(st.at("do"), exc);
  } else {
    return false;
  }
  return true;
}

// run_in_executor(None, work): `work` runs the steps of `do` on the default executor's worker
// and returns `value`; an exception escaping a step becomes the future's exception. An
// internal abort stops the run instead.
void Run::run_in_executor(const json& st) {
  const json* body = &st.at("do");
  const json value = st.value("value", json());
  aio::Future<json> future = loop_->run_in_executor(nullptr, [this, body, value]() -> json {
    try {
      steps(*body, nullptr);
    } catch (const Abort& abort) {
      fail(abort);
      return nullptr;
    }
    return value;
  });
  Obj obj;
  obj.kind = kFuture;
  obj.future = future;
  obj.base = future;
  put(st.at("id"), std::move(obj));
}

// asyncio.gather(*of, return_exceptions=...): aio::gather over the futures and tasks named.
void Run::gather(const json& st) {
  Obj obj;
  obj.kind = kGather;
  for (const json& id : st.at("of")) obj.gather_children.push_back(get(id).future);
  if (st.value("return_exceptions", false)) {
    obj.gather_errors = aio::gather(
        std::vector<aio::FutureBase>(obj.gather_children.begin(), obj.gather_children.end()),
        aio::return_exceptions);
    obj.base = obj.gather_errors;
  } else {
    obj.gather_values = aio::gather(obj.gather_children);
    obj.base = obj.gather_values;
  }
  put(st.at("id"), std::move(obj));
}

json Run::result_of(const Obj& obj) const {
  if (obj.kind != kGather) return obj.future.result();
  json out = json::array();
  if (obj.gather_errors) {
    // gather(..., return_exceptions=True) gives each child's result or exception.
    std::vector<std::exception_ptr> errors = obj.gather_errors.result();
    for (std::size_t i = 0; i < errors.size(); ++i)
      out.push_back(errors[i] ? error_json(errors[i]) : obj.gather_children[i].result());
  } else {
    for (const json& value : obj.gather_values.result()) out.push_back(value);
  }
  return out;
}

// `record`: a factory that emits a `factory` event, then makes the standard task.
void Run::set_task_factory(const std::string& mode) {
  if (mode == "default") {
    loop_->set_task_factory(nullptr);
    factory_mode_.reset();
    return;
  }
  loop_->set_task_factory(
      [this](aio::EventLoop& loop, aio::AnyCoro coro, std::optional<aio::Context> context) {
        trace_.emit("factory", {{"context", context.has_value()}});
        return std::move(coro).make_task(loop, std::move(context));
      });
  factory_mode_ = mode;
}

}  // namespace loopcheck::aio_adapter
