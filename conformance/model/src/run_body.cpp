// Task bodies: the steps of `body` as a coroutine (interp.Run.task_body / steps_async /
// try_async). `await`, `sleep` and `return` are only here; `try` and `repeat` have a form
// here because their steps may await. Other steps run as anywhere (Run::step). An exception
// escaping a step ends the coroutine with it, so it is the task's outcome; an internal abort
// stops the run instead.
//
// C++ forbids co_await inside a catch handler, so `try` catches into an exception_ptr and
// runs the clause after the handler. `return` unwinds as the Return signal, which no except
// clause catches and every `finally` on the way sees, as Python's return would.
#include "run.h"

namespace loopcheck::refmodel {

namespace {

Coro steps_async(Run* run, const StepList* steps, Exc exc);

Coro try_async(Run* run, const Step* st, Exc outer) {
  std::exception_ptr error;
  try {
    co_await steps_async(run, &st->body, outer);
  } catch (...) {
    error = std::current_exception();
  }
  if (error) {
    if (const Clause* clause = run->handler_for(*st, error)) {
      Exc handled = as_exception(error);
      error = nullptr;
      try {
        co_await steps_async(run, &clause->steps, handled);
      } catch (...) {
        error = std::current_exception();
      }
    }
  }
  // An exception or a return in `finally` replaces what was under way.
  co_await steps_async(run, &st->finally, outer);
  if (error) std::rethrow_exception(error);
  co_return nullptr;
}

Coro steps_async(Run* run, const StepList* steps, Exc exc) {
  for (const Step& st : steps->steps) {
    run->loop().charge();
    switch (st.op) {
      case Op::await_: {
        Future* fut = run->future(st.ref);
        // Future.__await__: `yield self` while pending; then return self.result().
        if (!fut->done()) co_await suspend(fut);
        if (!fut->done()) raise("RuntimeError", "await wasn't used with future");
        run->result(st, fut->result());
        break;
      }
      case Op::sleep:
        co_await sleep(run->loop(), st.fields["delay"].get<double>());
        break;
      case Op::return_:
        throw Return{st.fields.value("value", nlohmann::json())};
      case Op::try_:
        co_await try_async(run, &st, exc);
        break;
      case Op::repeat:
        for (int i = 0, times = st.fields["times"].get<int>(); i < times; ++i)
          co_await steps_async(run, &st.body, exc);
        break;
      default:
        run->step(st, exc);
    }
  }
  co_return nullptr;
}

Coro body(Run* run, const StepList* steps) {
  nlohmann::json value;
  try {
    co_await steps_async(run, steps, nullptr);
  } catch (const Return& r) {
    value = r.value;
  } catch (const Abort& abort) {
    run->fail(abort);
  } catch (const Stalled& stalled) {
    run->fail(Abort{"stalled", stalled.message});
  }
  co_return value;
}

}  // namespace

Coro Run::task_body(const StepList& steps) {
  return body(this, &steps);
}

}  // namespace loopcheck::refmodel
