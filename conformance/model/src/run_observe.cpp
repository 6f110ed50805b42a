// The `observe` step: loop and object properties (scenarios/README.md, "Observable
// properties"; Ops.observe and Ops.loop_property in the Python driver).
#include "run.h"

namespace loopcheck::refmodel {

void Run::observe(const Step& st) {
  nlohmann::json value =
      st.ref < 0 ? loop_property(st.prop) : object_property(get(st.ref), st.prop);
  nlohmann::json fields = {{"name", st.label}, {"value", std::move(value)}};
  if (st.prop == Prop::time || st.prop == Prop::when) {
    fields["value"] = round9(fields["value"].get<double>());
    fields["time"] = true;
  }
  trace_.emit("value", std::move(fields));
}

nlohmann::json Run::loop_property(Prop prop) {
  switch (prop) {
    case Prop::is_running:
      return loop_.is_running();
    case Prop::is_closed:
      return loop_.is_closed();
    case Prop::get_debug:
      return loop_.get_debug();
    case Prop::time:
      return loop_.time() - t0_;
    case Prop::current_task: {
      Task* task = current_task(loop_);
      if (!task) return nullptr;
      // The id the scenario gave the task, or "<other>" (a run_until_complete body's).
      for (std::size_t slot = 0; slot < objs_.size(); ++slot)
        if (objs_[slot].kind == Kind::task && objs_[slot].future == task)
          return program_.slots[slot];
      return "<other>";
    }
    case Prop::all_tasks:
      return all_tasks(loop_);
    case Prop::get_exception_handler:
      return loop_.has_exception_handler() && handler_mode_ ? nlohmann::json(*handler_mode_)
                                                            : nlohmann::json();
    case Prop::var:
      return loop_.contexts().get_var();
    case Prop::get_task_factory:
      return loop_.has_task_factory() && factory_mode_ ? nlohmann::json(*factory_mode_)
                                                       : nlohmann::json();
    case Prop::scheduled_count:
      return loop_.scheduled_count();
    case Prop::timer_cancelled_count:
      return loop_.timer_cancelled_count();
    case Prop::iterations:
      return loop_.iterations();
    default:
      break;
  }
  throw Abort{"invalid", "not a loop property"};
}

nlohmann::json Run::object_property(const Obj& obj, Prop prop) {
  if (obj.kind == Kind::handle || obj.kind == Kind::timer) {
    if (prop == Prop::cancelled) return obj.handle->cancelled();
    if (prop == Prop::when && obj.kind == Kind::timer)
      return static_cast<TimerHandle&>(*obj.handle).when() - t0_;
  } else if (obj.kind == Kind::future || obj.kind == Kind::task || obj.kind == Kind::gather) {
    Future* future = obj.future;
    switch (prop) {
      case Prop::done:
        return future->done();
      case Prop::cancelled:
        return future->cancelled();
      case Prop::result:
        return future->result();
      case Prop::exception:
        return error_json(future->exception());
      case Prop::cancelling:
        if (obj.kind == Kind::task) return static_cast<Task*>(future)->cancelling();
        break;
      case Prop::get_name:
        if (obj.kind == Kind::task) return static_cast<Task*>(future)->get_name();
        break;
      default:
        break;
    }
  }
  throw Abort{"invalid", "this object has no such property"};
}

}  // namespace loopcheck::refmodel
