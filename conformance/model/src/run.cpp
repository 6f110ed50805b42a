// Driving one run: the program, callbacks, internal aborts, objects, clean-up (interp.py).
#include "run.h"

#include "loopcheck/json.h"

namespace loopcheck::refmodel {

Run::Run(const Program& program, const ModelOptions& options)
    : program_(program),
      loop_(options.ties),
      t0_(loop_.time()),
      trace_(loop_.clock(), t0_),
      objs_(program.slots.size()) {}

Run::Outcome Run::execute() {
  Outcome outcome{"done", ""};
  try {
    top_steps(program_.steps);
  } catch (const Abort& abort) {
    outcome = {abort.status, abort.message};
  } catch (const Stalled& stalled) {
    outcome = {"stalled", stalled.message};
  }
  final_ = {{"running", loop_.is_running()}, {"closed", loop_.is_closed()}};
  trace_.close();
  cleanup();
  return outcome;
}

void Run::top_steps(const StepList& steps) {
  for (const Step& st : steps.steps) {
    try {
      step(st, nullptr);
    } catch (const PyError& e) {
      nlohmann::json event = error_json(e.exc);
      event["step"] = st.name;
      trace_.emit("error", std::move(event));
    }
    if (fatal_) throw *fatal_;
  }
}

void Run::steps(const StepList& steps, const Exc& exc) {
  for (const Step& st : steps.steps) step(st, exc);
}

std::function<void()> Run::callback(const StepList& steps) {
  return [this, &steps] {
    try {
      this->steps(steps, nullptr);
    } catch (const Abort& abort) {
      fail(abort);
    } catch (const Stalled& stalled) {
      fail(Abort{"stalled", stalled.message});
    }
  };
}

void Run::fail(const Abort& abort) {
  if (!fatal_) fatal_ = abort;
  if (!loop_.is_closed()) loop_.stop();
}

const Obj& Run::get(int slot) const {
  const Obj& obj = objs_.at(static_cast<std::size_t>(slot));
  if (obj.kind == Kind::none)
    throw Abort{"invalid", loopcheck::py_str_repr(program_.slots[static_cast<std::size_t>(slot)]) +
                               " is used before the step that creates it ran"};
  return obj;
}

Task* Run::task(int slot) const {
  return static_cast<Task*>(get(slot).future);
}

void Run::put(int slot, Obj obj) {
  if (slot >= 0) objs_.at(static_cast<std::size_t>(slot)) = obj;
}

void Run::result(const Step& st, nlohmann::json value) {
  if (st.fields.contains("as"))
    trace_.emit("value", {{"name", st.fields["as"]}, {"value", std::move(value)}});
}

ContextRef Run::context_of(const Step& st) const {
  return st.context >= 0 ? get(st.context).context : nullptr;
}

const Clause* Run::handler_for(const Step& st, const std::exception_ptr& error) {
  Exc exc = as_exception(error);
  if (!exc) return nullptr;  // internal signals (Abort, Return, Stalled) are caught by nothing
  for (const Clause& clause : st.except) {
    for (const std::string& type : clause.types) {
      if (isinstance(exc, type)) {
        trace_.emit("caught", error_json(exc));
        return &clause;
      }
    }
  }
  return nullptr;
}

void Run::try_sync(const Step& st, const Exc& outer) {
  // try: do / except BaseException as e: (the clause, or raise) / finally: finally
  std::exception_ptr error;
  try {
    steps(st.body, outer);
  } catch (...) {
    error = std::current_exception();
  }
  if (error) {
    if (const Clause* clause = handler_for(st, error)) {
      Exc handled = as_exception(error);
      error = nullptr;
      try {
        steps(clause->steps, handled);
      } catch (...) {
        error = std::current_exception();
      }
    }
  }
  steps(st.finally, outer);  // an exception here replaces `error`, as in Python
  if (error) std::rethrow_exception(error);
}

void Run::cleanup() {
  // The Python driver silences the handler and closes the loop; nothing of it is traced.
  if (!loop_.is_closed()) loop_.set_exception_handler([](EventLoop&, const ExceptionContext&) {});
  if (!loop_.is_closed() && !loop_.is_running()) loop_.close();
}

}  // namespace loopcheck::refmodel
