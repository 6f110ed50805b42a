// The steps (scenarios/README.md, "Operations"; ops.py in the Python driver).
#include "gather.h"
#include "run.h"

namespace loopcheck::refmodel {

namespace {

std::optional<double> number_or_none(const nlohmann::json& v) {
  if (v.is_null()) return std::nullopt;
  return v.get<double>();
}

std::optional<std::string> optional_string(const nlohmann::json& fields, const char* key) {
  if (!fields.contains(key)) return std::nullopt;
  return fields[key].get<std::string>();
}

Obj handle_obj(HandleRef handle, Kind kind = Kind::handle) {
  return Obj{kind, std::move(handle), nullptr, nullptr, nullptr};
}
Obj future_obj(Future* future, Kind kind) {
  return Obj{kind, nullptr, future, nullptr, nullptr};
}

}  // namespace

void Run::step(const Step& st, const Exc& exc) {
  loop_.charge();
  const nlohmann::json& f = st.fields;
  switch (st.op) {
    case Op::call_soon:
      put(st.id, handle_obj(loop_.call_soon(callback(st.body), info(st.body), context_of(st))));
      break;
    case Op::call_later: {
      ContextRef context = context_of(st);
      put(st.id, handle_obj(loop_.call_later(number_or_none(f["delay"]), callback(st.body),
                                             info(st.body), context),
                            Kind::timer));
      break;
    }
    case Op::call_at: {
      std::optional<double> when = number_or_none(f["at"]);
      if (when) *when += t0_;
      ContextRef context = context_of(st);
      put(st.id,
          handle_obj(loop_.call_at(when, callback(st.body), info(st.body), context), Kind::timer));
      break;
    }
    case Op::call_soon_threadsafe:
      put(st.id, handle_obj(loop_.call_soon_threadsafe(callback(st.body), info(st.body))));
      break;
    case Op::cancel: {
      const Obj& target = get(st.ref);
      if (target.kind == Kind::handle || target.kind == Kind::timer) {
        if (f.contains("msg"))
          throw Abort{"invalid", "cancel: msg applies to futures and tasks only"};
        target.handle->cancel();
        result(st, nullptr);
      } else {
        result(st, target.future->cancel(optional_string(f, "msg")));
      }
      break;
    }
    case Op::run_forever:
      loop_.run_forever();
      break;
    case Op::run_until_complete:
      run_until_complete(st);
      break;
    case Op::stop:
      loop_.stop();
      break;
    case Op::close:
      loop_.close();
      break;
    case Op::create_future:
      put(st.id, future_obj(loop_.create_future(), Kind::future));
      break;
    case Op::set_result:
      future(st.ref)->set_result(f.value("value", nlohmann::json()));
      break;
    case Op::set_exception:
      future(st.ref)->set_exception(
          make_exception(f["type"].get<std::string>(), f.value("message", "")));
      break;
    case Op::add_done_callback:
      add_done_callback(st);
      break;
    case Op::remove_done_callback: {
      const Obj& fn = objs_.at(static_cast<std::size_t>(st.callback));
      if (fn.kind != Kind::callback)
        throw Abort{"invalid", "done callback " +
                                   loopcheck::py_str_repr(program_.slots[st.callback]) +
                                   " was never added"};
      result(st, future(st.ref)->remove_done_callback(fn.steps));
      break;
    }
    case Op::create_task:
      create_task(st);
      break;
    case Op::uncancel:
      result(st, task(st.ref)->uncancel());
      break;
    case Op::set_exception_handler:
      set_exception_handler(st);
      break;
    case Op::set_debug:
      loop_.set_debug(f["enabled"].get<bool>());
      break;
    case Op::raise:
      refmodel::raise(make_exception(f["type"].get<std::string>(), f.value("message", "")));
    case Op::reraise:
      if (!exc) throw Abort{"invalid", "reraise outside an except clause"};
      refmodel::raise(exc);
    case Op::try_:
      try_sync(st, exc);
      break;
    case Op::record: {
      nlohmann::json fields = {{"name", f["name"]}};
      if (f.contains("value")) fields["value"] = f["value"];
      trace_.emit("record", std::move(fields));
      break;
    }
    case Op::observe:
      observe(st);
      break;
    case Op::block:
      loop_.clock().advance(f["seconds"].get<double>());
      break;
    case Op::set_var:
      loop_.contexts().set_var(f["value"]);
      break;
    case Op::copy_context: {
      Obj obj;
      obj.kind = Kind::context;
      obj.context = loop_.contexts().copy_context();
      put(st.id, obj);
      break;
    }
    case Op::run_in_context:
      loop_.contexts().run(get(st.context).context.get(), [&] { steps(st.body, nullptr); });
      break;
    case Op::gather: {
      std::vector<Future*> children;
      for (int slot : st.of) children.push_back(future(slot));
      put(st.id, future_obj(refmodel::gather(loop_, children, f.value("return_exceptions", false)),
                            Kind::gather));
      break;
    }
    case Op::set_task_factory:
      set_task_factory(st);
      break;
    case Op::repeat:
      for (int i = 0, times = f["times"].get<int>(); i < times; ++i) steps(st.body, exc);
      break;
    case Op::await_:
    case Op::sleep:
    case Op::return_:
      throw Abort{"invalid", st.name + " is not allowed here"};
    case Op::unsupported:
      throw Abort{"unsupported",
                  st.name + " is not part of the model (conformance/model/README.md)"};
  }
}

void Run::run_until_complete(const Step& st) {
  if (st.ref >= 0) {
    result(st, loop_.run_until_complete(future(st.ref)));
    return;
  }
  result(st, loop_.run_until_complete(task_body(st.body)));
}

void Run::create_task(const Step& st) {
  Coro coro = task_body(st.body);
  std::optional<std::string> name = optional_string(st.fields, "name");
  ContextRef context = context_of(st);
  Task* task = loop_.create_task(std::move(coro), std::move(name), context);
  task->where = &st.body.where;
  put(st.id, future_obj(task, Kind::task));
}

void Run::add_done_callback(const Step& st) {
  // fn = self.callbacks.get(id), defined by its first use with `do`.
  Obj& fn = objs_.at(static_cast<std::size_t>(st.callback));
  const bool has_do = !st.body.where.empty();  // a compiled step list always has its place
  if (fn.kind == Kind::none && has_do)
    fn = Obj{Kind::callback, nullptr, nullptr, nullptr, &st.body};
  if (fn.kind != Kind::callback)
    throw Abort{"invalid", "done callback " + loopcheck::py_str_repr(program_.slots[st.callback]) +
                               " is used before the step that defines it ran"};
  const StepList* steps = fn.steps;
  Future* target = future(st.ref);
  std::function<void()> body = callback(*steps);
  target->add_done_callback(
      DoneCallback{steps, [body](Future*) { body(); }, "callback", &steps->where}, context_of(st));
}

void Run::set_exception_handler(const Step& st) {
  const std::string mode = st.fields["mode"].get<std::string>();
  if (mode == "default") {
    loop_.set_exception_handler(nullptr);
    handler_mode_.reset();
    return;
  }
  std::optional<std::string> type = optional_string(st.fields, "type");
  std::optional<std::string> message = optional_string(st.fields, "message");
  loop_.set_exception_handler([this, type, message](EventLoop&, const ExceptionContext& context) {
    trace_.emit("handler", {{"message", context.message},
                            {"keys", context.keys()},
                            {"exception", error_json(context.exception)}});
    if (type) refmodel::raise(make_exception(*type, message.value_or("")));  // mode raise
  });
  handler_mode_ = mode;
}

void Run::set_task_factory(const Step& st) {
  const std::string mode = st.fields["mode"].get<std::string>();
  if (mode == "default") {
    loop_.set_task_factory(nullptr);
    factory_mode_.reset();
    return;
  }
  // factory(loop, coro, **kwargs): a `factory` event, then asyncio.Task(coro, loop=loop, **kwargs).
  loop_.set_task_factory([this](EventLoop& loop, Coro&& coro, const ContextRef& context) {
    trace_.emit("factory", {{"context", context != nullptr}});
    return Task::create(loop, std::move(coro), std::nullopt, context);
  });
  factory_mode_ = mode;
}

}  // namespace loopcheck::refmodel
