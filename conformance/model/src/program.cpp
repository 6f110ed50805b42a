// Compiling a normalized program (see program.h).
#include "program.h"

#include <map>
#include <stdexcept>

#include "json_copy.h"
#include "loopcheck/model.h"

namespace loopcheck::refmodel {

namespace {

const std::map<std::string, Op>& op_codes() {
  static const std::map<std::string, Op> codes = {
      {"call_soon", Op::call_soon},
      {"call_later", Op::call_later},
      {"call_at", Op::call_at},
      {"call_soon_threadsafe", Op::call_soon_threadsafe},
      {"cancel", Op::cancel},
      {"run_forever", Op::run_forever},
      {"run_until_complete", Op::run_until_complete},
      {"stop", Op::stop},
      {"close", Op::close},
      {"create_future", Op::create_future},
      {"set_result", Op::set_result},
      {"set_exception", Op::set_exception},
      {"add_done_callback", Op::add_done_callback},
      {"remove_done_callback", Op::remove_done_callback},
      {"create_task", Op::create_task},
      {"uncancel", Op::uncancel},
      {"set_exception_handler", Op::set_exception_handler},
      {"set_debug", Op::set_debug},
      {"raise", Op::raise},
      {"reraise", Op::reraise},
      {"try", Op::try_},
      {"record", Op::record},
      {"observe", Op::observe},
      {"block", Op::block},
      {"await", Op::await_},
      {"sleep", Op::sleep},
      {"return", Op::return_},
      {"set_var", Op::set_var},
      {"copy_context", Op::copy_context},
      {"run_in_context", Op::run_in_context},
      {"gather", Op::gather},
      {"set_task_factory", Op::set_task_factory},
      {"repeat", Op::repeat}};
  return codes;
}

const std::map<std::string, Prop>& prop_codes() {
  static const std::map<std::string, Prop> codes = {
      {"is_running", Prop::is_running},
      {"is_closed", Prop::is_closed},
      {"get_debug", Prop::get_debug},
      {"time", Prop::time},
      {"current_task", Prop::current_task},
      {"all_tasks", Prop::all_tasks},
      {"get_exception_handler", Prop::get_exception_handler},
      {"var", Prop::var},
      {"get_task_factory", Prop::get_task_factory},
      {"scheduled_count", Prop::scheduled_count},
      {"timer_cancelled_count", Prop::timer_cancelled_count},
      {"iterations", Prop::iterations},
      {"cancelled", Prop::cancelled},
      {"when", Prop::when},
      {"done", Prop::done},
      {"result", Prop::result},
      {"exception", Prop::exception},
      {"cancelling", Prop::cancelling},
      {"get_name", Prop::get_name}};
  return codes;
}

class Compiler {
 public:
  explicit Compiler(std::string scenario_id) : id_(std::move(scenario_id)) {}

  StepList steps(const loopcheck::Json& list, const std::string& path) {
    StepList out;
    out.where = id_ + ":" + path;
    out.steps.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i)
      out.steps.push_back(step(list[i], path + "/" + std::to_string(i)));
    return out;
  }

  std::vector<std::string> slots() && { return std::move(names_); }

 private:
  Step step(const loopcheck::Json& st, const std::string& path) {
    Step out;
    out.name = st.at("op").get<std::string>();
    auto code = op_codes().find(out.name);
    out.op = code == op_codes().end() ? Op::unsupported : code->second;
    const loopcheck::Op* spec = loopcheck::model::find_op(out.name);
    if (!spec) throw std::logic_error("compile_program: unknown operation " + out.name);
    const std::string fpath = path + "/" + out.name;
    out.fields = nlohmann::json::object();
    for (const auto& [key, v] : st.items()) {
      if (key == "op") continue;
      const std::string* type = spec->field_type(key);
      if (!type)
        throw std::logic_error("compile_program: unknown field " + key + " of " + out.name);
      field(out, key, *type, v, fpath + "/" + key);
    }
    if (out.op == Op::observe)
      out.label = out.fields.value("as", out.fields["what"].get<std::string>());
    return out;
  }

  void field(Step& out, const std::string& key, const std::string& type, const loopcheck::Json& v,
             const std::string& path) {
    namespace m = loopcheck::model;
    if (type == m::kSteps || type == m::kCallbackSteps || type == m::kThreadSteps ||
        type == m::kBody) {
      (key == "finally" ? out.finally : out.body) = steps(v, path);
    } else if (type == "handlers") {
      for (std::size_t i = 0; i < v.size(); ++i) {
        Clause clause;
        for (const auto& t : v[i].at("type")) clause.types.push_back(t.get<std::string>());
        clause.steps = steps(v[i].at("do"), path + "/" + std::to_string(i) + "/do");
        out.except.push_back(std::move(clause));
      }
    } else if (type.rfind("id:", 0) == 0) {
      out.id = slot(v.get<std::string>());
    } else if (type == "callback" || type == "ref:callback") {
      out.callback = slot(v.get<std::string>());
    } else if (type.rfind("ref:", 0) == 0) {
      (key == "context" ? out.context : out.ref) = slot(v.get<std::string>());
    } else if (type.rfind("refs:", 0) == 0) {
      for (const auto& ref : v) out.of.push_back(slot(ref.get<std::string>()));
    } else if (type == "expr") {
      auto [object, prop] = *m::parse_expr(v);
      if (!object.empty()) out.ref = slot(object);
      out.prop = prop_codes().at(prop);
      out.fields[key] = v.get<std::string>();
    } else {
      out.fields[key] = json_copy<nlohmann::json>(v);  // scalars (and fd references)
    }
  }

  int slot(const std::string& name) {
    auto [it, added] = slot_of_.try_emplace(name, static_cast<int>(names_.size()));
    if (added) names_.push_back(name);
    return it->second;
  }

  std::string id_;
  std::map<std::string, int> slot_of_;
  std::vector<std::string> names_;
};

}  // namespace

Program compile_program(const loopcheck::Json& program, const std::string& scenario_id) {
  Compiler compiler(scenario_id);
  Program out;
  out.id = scenario_id;
  out.steps = compiler.steps(program, "/program");
  out.slots = std::move(compiler).slots();
  return out;
}

}  // namespace loopcheck::refmodel
