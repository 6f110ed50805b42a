#pragma once
// tasks.Task as CPython 3.11 runs it (the C Task; its logic is tasks.py's): a coroutine
// driven step by step. __step sends into the coroutine (or throws an exception into it),
// then waits on the future it yielded by adding __wakeup as that future's done callback, or
// schedules the next step at once after a bare yield. cancel() cancels the awaited future,
// or arranges for CancelledError to be thrown in at the next step (_must_cancel);
// cancelling()/uncancel() count the requests. Also asyncio.sleep, current_task, all_tasks.
// Must not: call a step but through the loop's call_soon (a handle) or a done callback.

#include <optional>
#include <string>

#include "coroutine.h"
#include "futures.h"

namespace loopcheck::refmodel {

class Task final : public Future {
 public:
  // tasks.Task(coro, loop=loop, name=name, context=context): schedules the first step with
  // call_soon and registers the task (owned by the loop).
  static Task* create(EventLoop& loop, Coro coro, std::optional<std::string> name,
                      ContextRef context);

  bool cancel(const std::optional<std::string>& msg = std::nullopt) override;
  int cancelling() const { return num_cancels_requested_; }
  int uncancel();
  const std::string& get_name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  // Tasks refuse these (RuntimeError); __step uses Future's own.
  void set_result(nlohmann::json result) override;
  void set_exception(Exc exception) override;
  std::string repr() const override;

  // The place of the body in the scenario, for the repr ("coro=<body() ...>").
  const std::string* where = nullptr;

 private:
  Task(EventLoop& loop, Coro coro, std::optional<std::string> name, ContextRef context);
  void step(Exc exc);           // __step
  void wakeup(Future* future);  // __wakeup
  void schedule_step(Exc exc);  // self._loop.call_soon(self.__step, exc, context=self._context)

  Coroutine coro_;
  ContextRef context_;
  Future* fut_waiter_ = nullptr;
  bool must_cancel_ = false;
  int num_cancels_requested_ = 0;
  std::string name_;
};

// asyncio.current_task(loop), len(asyncio.all_tasks(loop)).
Task* current_task(EventLoop& loop);
std::size_t all_tasks(EventLoop& loop);

// asyncio.sleep(delay): a bare yield for delay <= 0, else a future that a call_later
// timer resolves (and cancels on the way out, however the sleep ends).
Coro sleep(EventLoop& loop, double delay);

}  // namespace loopcheck::refmodel
