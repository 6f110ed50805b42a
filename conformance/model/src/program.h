#pragma once
// A validated scenario's program, compiled for the interpreter: each step's operation as an
// enum, its ids resolved to slots (one per id of the scenario; a step inside a `repeat`
// rebinds its slot on each repetition), its step lists nested, its scalar fields kept as
// JSON (delay, value, type, message, as, ...), and the place of every step list in the
// scenario (for the reprs and messages that name a callback). Built once per run, so the
// interpreter never parses strings while it runs.
// Must not: validate (loopcheck::validate_scenario did), or run anything.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loopcheck/json.h"

namespace loopcheck::refmodel {

enum class Op : std::uint8_t {
  call_soon,
  call_later,
  call_at,
  call_soon_threadsafe,
  cancel,
  run_forever,
  run_until_complete,
  stop,
  close,
  create_future,
  set_result,
  set_exception,
  add_done_callback,
  remove_done_callback,
  create_task,
  uncancel,
  set_exception_handler,
  set_debug,
  raise,
  reraise,
  try_,
  record,
  observe,
  block,
  await_,
  sleep,
  return_,
  // language 1.1
  set_var,
  copy_context,
  run_in_context,
  gather,
  set_task_factory,
  repeat,
  // operations of capabilities the model does not have (pipes, socketpair, threads, executor,
  // repr): the capability check declines their scenarios before they run
  unsupported,
};

// What `observe` reads: loop properties, then object properties.
enum class Prop : std::uint8_t {
  is_running,
  is_closed,
  get_debug,
  time,
  current_task,
  all_tasks,
  get_exception_handler,
  var,
  get_task_factory,
  scheduled_count,
  timer_cancelled_count,
  iterations,
  cancelled,
  when,
  done,
  result,
  exception,
  cancelling,
  get_name,
};

struct Step;

struct StepList {
  std::vector<Step> steps;
  std::string where;  // "<scenario id>:/program/1/call_soon/do"
};

struct Clause {
  std::vector<std::string> types;  // an except clause's types
  StepList steps;
};

struct Step {
  Op op = Op::unsupported;
  std::string name;       // the operation as written: the `step` of an error event
  nlohmann::json fields;  // its scalar fields, as the validator normalized them
  int id = -1;            // the slot of the object it creates (`id`)
  int ref = -1;           // the slot it names: target, future, task; observe's object
  int context = -1;       // the `context` field (1.1)
  int callback = -1;      // add_done_callback / remove_done_callback: the callback's slot
  std::vector<int> of;    // gather's futures
  StepList body;          // do, or body
  StepList finally;       // try's finally
  std::vector<Clause> except;
  Prop prop = Prop::is_running;  // observe
  std::string label;             // observe: `as`, else the expression
};

struct Program {
  std::string id;  // the scenario's
  StepList steps;
  std::vector<std::string> slots;  // the id of each slot
};

// Compiles the normalized program of loopcheck::validate_scenario.
Program compile_program(const loopcheck::Json& program, const std::string& scenario_id);

}  // namespace loopcheck::refmodel
