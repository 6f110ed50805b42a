// Task bodies: the steps of `body` as an aio coroutine. `await`, `sleep` and `return` are
// only here; `try` needs its own coroutine form because it may await. Other steps run as they
// do anywhere (Run::step). An exception escaping a step ends the coroutine with it (so it is
// the task's outcome); an internal abort stops the run instead.
//
// C++ forbids co_await inside a catch handler, so `try` catches into an exception_ptr and
// runs the clause after the handler. `return` unwinds as a value (Flow), not an exception,
// running the `finally` steps on its way out as Python's return would.
#include <optional>

#include "aio/coro.h"
#include "aio/sleep.h"
#include "aio/task.h"
#include "model.h"
#include "run.h"

namespace loopcheck::aio_adapter {

namespace {

// Set when a `return` step ran: the coroutine's result.
using Flow = std::optional<json>;

aio::Coro<Flow> steps_async(Run* run, const json* steps, std::exception_ptr exc);

aio::Coro<Flow> try_async(Run* run, const json* st, std::exception_ptr outer) {
  std::exception_ptr error;
  Flow flow;
  try {
    flow = co_await steps_async(run, &st->at("do"), outer);
  } catch (...) {
    error = std::current_exception();
  }
  if (error) {
    if (const json* clause = run->handler_for(*st, error)) {
      std::exception_ptr handled = error;
      error = nullptr;
      try {
        flow = co_await steps_async(run, &clause->at("do"), handled);
      } catch (...) {
        error = std::current_exception();
      }
    }
  }
  if (st->contains("finally")) {
    // An exception or a return in `finally` replaces what was under way.
    Flow last = co_await steps_async(run, &(*st)["finally"], outer);
    if (last) co_return last;
  }
  if (error) std::rethrow_exception(error);
  co_return flow;
}

aio::Coro<Flow> steps_async(Run* run, const json* steps, std::exception_ptr exc) {
  for (const json& st : *steps) {
    const std::string& op = st.at("op").get_ref<const std::string&>();
    if (op == "await") {
      Obj target = run->get(st.at("target"));
      if (target.kind == kGather) {
        co_await target.base;
        run->result(st, run->result_of(target));
      } else {
        json value = co_await target.future;
        run->result(st, std::move(value));
      }
    } else if (op == "sleep") {
      co_await aio::sleep(st.at("delay").get<double>());
    } else if (op == "return") {
      co_return Flow(st.value("value", json()));
    } else if (op == "try") {
      Flow flow = co_await try_async(run, &st, exc);
      if (flow) co_return flow;
    } else if (op == "repeat") {
      const int times = st.at("times").get<int>();
      for (int i = 0; i < times; ++i) {
        Flow flow = co_await steps_async(run, &st.at("do"), exc);
        if (flow) co_return flow;
      }
    } else if (op == "shutdown_default_executor") {
      co_await run->loop().shutdown_default_executor();
    } else {
      run->step(st, exc);
    }
  }
  co_return std::nullopt;
}

}  // namespace

aio::Coro<json> task_body(Run* run, const json* body) {
  run->keep_task(aio::current_task());
  std::optional<Abort> abort;
  try {
    Flow flow = co_await steps_async(run, body, nullptr);
    if (flow) co_return std::move(*flow);
  } catch (const Abort& a) {
    abort = a;
  }
  if (abort) run->fail(*abort);
  co_return nullptr;
}

}  // namespace loopcheck::aio_adapter
