#include "loopcheck/adapters.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "bridges.h"

namespace loopcheck {

std::string python_interpreter() {
  if (const char* p = std::getenv("LOOPCHECK_PYTHON"); p && *p) return p;
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";
}

std::vector<AdapterSpec> builtin_adapters(const std::string& root) {
  std::vector<AdapterSpec> out;
  const std::string why = inprocess_unavailable_reason();
  out.push_back({"native", "aio on the real kernel (epoll, monotonic clock, real threads)", true, {}, why});
  out.push_back({"sim", "aio on aio::sim: virtual time, deterministic from --seed", true, {}, why});
  out.push_back({"model", "the reference model (conformance/model/): CPython 3.11's scheduling, virtual time",
                 true, {}, {}});
  out.push_back({"model-fifo", "the reference model with equal-time timers in scheduling order (aio's choice)",
                 true, {}, {}});
  const std::string driver = root + "/conformance/adapters/python/loopcheck_driver.py";
  const std::string python = python_interpreter();
  std::string py_why;
  if (!std::filesystem::exists(driver)) py_why = "the Python driver is missing (" + driver + ")";
  else if (python.find('/') != std::string::npos && ::access(python.c_str(), X_OK) != 0)
    py_why = python + " is not executable";
  out.push_back({"asyncio", "CPython's asyncio through the Python driver (virtual time)", false,
                 {python, driver, "--impl", "asyncio"}, py_why});
  out.push_back({"uvloop", "uvloop through the Python driver (real time)", false,
                 {python, driver, "--impl", "uvloop"}, py_why});
  return out;
}

AdapterSpec find_adapter(const std::string& name, const std::string& root) {
  std::string known;
  for (auto& a : builtin_adapters(root)) {
    if (a.name == name) return a;
    known += (known.empty() ? "" : ", ") + a.name;
  }
  throw std::invalid_argument("unknown adapter '" + name + "' (adapters: " + known +
                              "; or give a command with --adapter-cmd)");
}

std::shared_ptr<Adapter> make_inprocess_adapter(const std::string& name) {
  if (name == "model" || name == "model-fifo") return make_model_adapter(name == "model-fifo");
  return make_aio_adapter(name);
}

AdapterSpec command_adapter(const std::string& command) {
  return {"cmd", "the command " + command, false, {"/bin/sh", "-c", "exec " + command}, {}};
}

std::unique_ptr<Session> make_session(const AdapterSpec& spec, const SessionOptions& o) {
  if (!spec.unavailable.empty()) throw std::runtime_error("adapter " + spec.name + " is not available: " + spec.unavailable);
  if (spec.in_process && !o.isolate) {
    auto adapter = make_inprocess_adapter(spec.name);
    if (!adapter) throw std::runtime_error("adapter " + spec.name + " is not built in");
    return make_direct_session(adapter);
  }
  ProcessOptions po;
  po.stderr_path = o.stderr_path;
  if (spec.in_process) {
    std::string exe = o.self_exe;
    if (exe.empty()) {
      char buf[PATH_MAX];
      ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
      exe = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "loopcheck";
    }
    po.argv = {exe, "serve", "--adapter", spec.name, "--seed", std::to_string(o.seed)};
  } else {
    po.argv = spec.argv;
  }
  return make_process_session(po);
}

}  // namespace loopcheck
