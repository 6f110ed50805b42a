// Driving one run: the program, callbacks, internal aborts, objects, clean-up.
#include "run.h"

#include "aio/logging.h"
#include "aio/sim/deadlock.h"
#include "model.h"

namespace loopcheck::aio_adapter {

namespace {

// Turns the loop's log records (WARNING and above) into `log` events.
class TraceLogSink final : public aio::LogSink {
 public:
  explicit TraceLogSink(Trace& trace) : trace_(trace) {}
  bool enabled(aio::LogLevel level) const override { return level >= aio::LogLevel::warning; }
  void emit(const aio::LogRecord& record) override {
    trace_.emit("log", {{"level", aio::level_name(record.level)}, {"message", record.message}});
  }

 private:
  Trace& trace_;
};

}  // namespace

void StepsCallback::operator()() const { run->run_callback(*steps); }
void DoneCallback::operator()() const { run->run_callback(*steps); }

Run::Run(const json& scenario, Host& host)
    : scenario_(scenario),
      host_(host),
      seams_(host.seams()),
      loop_(std::make_unique<aio::EventLoop>(seams_)),
      t0_(loop_->time()),
      trace_([this] { return elapsed(); }) {}

Run::~Run() {
  host_.finish_threads();
  objs_.clear();
  callbacks_.clear();
  loop_.reset();
}

Run::Outcome Run::execute() {
  Outcome outcome{"done", ""};
  {
    aio::ScopedLogSink sink(std::make_shared<TraceLogSink>(trace_));
    try {
      top_steps(scenario_.at("program"));
    } catch (const Abort& abort) {
      outcome = {abort.status, abort.message};
    } catch (const aio::sim::Deadlock& deadlock) {
      outcome = {"stalled", deadlock.what()};
    }
    final_ = {{"running", loop_->is_running()}, {"closed", loop_->is_closed()}};
    trace_.close();
  }
  cleanup();
  return outcome;
}

void Run::top_steps(const json& steps) {
  for (const json& st : steps) {
    try {
      step(st, nullptr);
    } catch (const Abort&) {
      throw;
    } catch (const aio::sim::Deadlock&) {
      throw;
    } catch (...) {
      json event = error_json(std::current_exception());
      event["step"] = st.at("op");
      trace_.emit("error", std::move(event));
    }
    check_fatal();
  }
}

void Run::steps(const json& steps, const std::exception_ptr& exc) {
  for (const json& st : steps) step(st, exc);
}

void Run::step(const json& st, const std::exception_ptr& exc) {
  const std::string& op = st.at("op").get_ref<const std::string&>();
  if (step_schedule(op, st) || step_tasks(op, st) || step_io(op, st) || step_flow(op, st, exc) ||
      step_v11(op, st, exc))
    return;
  throw Abort{"invalid", op + " is not allowed here"};
}

void Run::run_callback(const json& steps) {
  try {
    this->steps(steps, nullptr);
  } catch (const Abort& abort) {
    fail(abort);
  } catch (const aio::sim::Deadlock& deadlock) {
    fail(Abort{"stalled", deadlock.what()});
  }
}

void Run::fail(const Abort& abort) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!fatal_) fatal_ = abort;
  }
  if (!loop_->is_closed()) loop_->stop();
}

void Run::check_fatal() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fatal_) throw *fatal_;
}

Obj Run::get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = objs_.find(id);
  if (it == objs_.end()) throw Abort{"invalid", "'" + id + "' is used before the step that creates it ran"};
  return it->second;
}

void Run::put(const json& id, Obj obj) {
  if (!id.is_string()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  objs_[id.get<std::string>()] = std::move(obj);
}

int Run::fd(const std::string& ref) const {
  auto parsed = parse_fd(ref);
  if (!parsed) throw Abort{"invalid", "'" + ref + "' is not an fd reference"};
  Obj obj = get(parsed->first);
  const std::string& end = parsed->second;
  return obj.fds[(end == "r" || end == "a") ? 0 : 1];
}

void Run::result(const json& st, json value) {
  if (st.contains("as")) trace_.emit("value", {{"name", st["as"]}, {"value", std::move(value)}});
}

const json* Run::handler_for(const json& st, const std::exception_ptr& error) {
  if (is_internal(error) || !st.contains("except")) return nullptr;
  for (const json& clause : st["except"]) {
    for (const json& type : clause.at("type")) {
      if (is_instance(error, type.get<std::string>())) {
        trace_.emit("caught", error_json(error));
        return &clause;
      }
    }
  }
  return nullptr;
}

json Run::task_id(const aio::TaskBase& task) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [id, obj] : objs_)
    if (obj.kind == kTask && obj.task == task) return id;
  return "<other>";
}

void Run::cleanup() {
  if (!loop_->is_closed()) loop_->set_exception_handler([](aio::EventLoop&, const aio::ExceptionContext&) {});
  host_.finish_threads();
  if (!loop_->is_closed() && !loop_->is_running()) loop_->close();
  std::map<std::string, Obj> objs;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    objs.swap(objs_);
    callbacks_.clear();
  }
  body_tasks_.clear();
  for (const auto& [id, obj] : objs) {
    if (obj.kind != kPipe && obj.kind != kSocketpair) continue;
    for (int fd : obj.fds) {
      try {
        seams_.os->close(fd);
      } catch (const aio::OSError&) {
        // already closed
      }
    }
  }
}

}  // namespace loopcheck::aio_adapter
