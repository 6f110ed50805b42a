// The library's entry points: describe() (the `ready` answer) and run_scenario() (validate,
// skip, run, answer with the protocol's result fields).
#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "aio/sim/hash.h"
#include "aio/sim/world.h"
#include "loopcheck/aio_adapter.h"
#include "model.h"
#include "run.h"
#include "validate.h"

#ifndef LOOPCHECK_AIO_VERSION
#define LOOPCHECK_AIO_VERSION "0.0.0"
#endif

namespace loopcheck::aio_adapter {

namespace {

// The asyncio version whose semantics aio aims at (the catalogue's: CPython 3.11.2).
constexpr int kAsyncio[3] = {3, 11, 2};
constexpr const char* kAsyncioVersion = "3.11";
constexpr const char* kAdapterVersion = "1.0";

std::vector<std::string> capabilities(const AdapterOptions& options) {
  std::vector<std::string> caps = all_capabilities();
  if (options.backend != Backend::sim) caps.erase(std::find(caps.begin(), caps.end(), "virtual_time"));
  return caps;
}

std::tuple<int, int, int> version_tuple(const std::string& text) {
  int v[3] = {0, 0, 0};
  std::size_t start = 0;
  for (int i = 0; i < 3 && start <= text.size(); ++i) {
    std::size_t dot = text.find('.', start);
    v[i] = std::stoi(text.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return {v[0], v[1], v[2]};
}

// The first non-thread-safe loop call a scenario thread makes while debug mode is never turned
// on, or "". On the real kernel such a call is a data race on aio's ready queue (undefined
// behaviour in C++, where CPython's GIL makes it a plain append): aio's answer to it is the
// debug-mode check (DBG-03), so the native adapter declines these scenarios rather than run
// a race. On the simulator a thread never runs beside the loop, so it runs them.
std::string unsynchronised_thread_call(const json& program) {
  static const char* const kUnsafe[] = {"call_soon", "call_later", "call_at", "create_task"};
  bool debug = false;
  std::string found;
  std::function<void(const json&, bool)> walk = [&](const json& steps, bool in_thread) {
    for (const json& st : steps) {
      const std::string& op = st.at("op").get_ref<const std::string&>();
      if (op == "set_debug" && st.value("enabled", false)) debug = true;
      if (in_thread && found.empty())
        for (const char* unsafe : kUnsafe)
          if (op == unsafe) found = op;
      if (op == "thread") walk(st.at("do"), true);
      for (const char* key : {"do", "body"})
        if (op != "thread" && st.contains(key) && st[key].is_array()) walk(st[key], false);
    }
  };
  walk(program, false);
  return debug ? "" : found;
}

std::string skip_reason(const json& sc, const AdapterOptions& options) {
  const auto caps = capabilities(options);
  std::string missing;
  for (const json& need : sc["needs"])
    if (std::find(caps.begin(), caps.end(), need.get<std::string>()) == caps.end())
      missing += (missing.empty() ? "" : ", ") + need.get<std::string>();
  if (!missing.empty()) return "needs " + missing;
  const auto here = std::make_tuple(kAsyncio[0], kAsyncio[1], kAsyncio[2]);
  const std::string this_one = std::string("this is ") + kAsyncioVersion;
  if (sc.contains("since") && here < version_tuple(sc["since"]))
    return "holds since Python " + sc["since"].get<std::string>() + "; " + this_one;
  if (sc.contains("until") && here >= version_tuple(sc["until"]))
    return "holds until Python " + sc["until"].get<std::string>() + " (exclusive); " + this_one;
  return "";
}

// Scenarios this backend cannot run without undefined behaviour: answered `unsupported`.
std::string unsupported_reason(const json& sc, const AdapterOptions& options) {
  if (options.backend != Backend::native) return "";
  const std::string op = unsynchronised_thread_call(sc.at("program"));
  if (op.empty()) return "";
  return "a thread calls " + op +
         " while debug mode is off: on the real kernel that is a data race in aio (call_soon is not "
         "thread-safe; debug mode refuses it, DBG-03)";
}

std::string platform(const AdapterOptions& options) {
  struct utsname u {};
  std::string system = uname(&u) == 0 ? std::string(u.sysname) + " " + u.machine : "unknown";
  if (options.backend == Backend::sim) return system + ", aio::sim seed " + std::to_string(options.seed);
  return system + ", epoll";
}

json answer(const std::string& status, const std::string& message, json trace = json::array(),
            json final = nullptr) {
  json out = {{"status", status}, {"trace", std::move(trace)}, {"final", std::move(final)}};
  if (!message.empty() || status != "done") out["error"] = {{"message", message}};
  return out;
}

std::string scenario_name(const json& raw) {
  if (raw.is_object() && raw.contains("id") && raw["id"].is_string()) return raw["id"].get<std::string>();
  return "scenario";
}

// The run's fingerprint: the World's, continued over what the answer says (not `duration`).
std::string fingerprint(const aio::sim::World& world, const json& out) {
  std::uint64_t state = world.fingerprint();
  for (const json* part : {&out["status"], &out["trace"], &out["final"]}) {
    state = aio::sim::fnv1a64(part->dump(), state);
    state = aio::sim::fnv1a64("\n", state);
  }
  if (out.contains("error")) state = aio::sim::fnv1a64(out["error"].value("message", ""), state);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(state));
  return hex;
}

json run_valid(const json& sc, const AdapterOptions& options) {
  const std::string id = sc["id"].get<std::string>();
  std::unique_ptr<Host> host = make_host(options);
  json out;
  {
    Run run(sc, *host);
    Run::Outcome outcome = run.execute();
    std::string message = outcome.message.empty() ? "" : id + ": " + build_independent(outcome.message);
    out = answer(outcome.status, message, run.trace_events(), run.final_state());
  }
  if (const aio::sim::World* world = host->world()) {
    out["fingerprint"] = fingerprint(*world, out);
    if (options.trace_world) out["trace_world"] = world->trace_lines();
  }
  return out;
}

}  // namespace

Backend parse_backend(const std::string& name) {
  if (name == "native") return Backend::native;
  if (name == "sim") return Backend::sim;
  throw std::invalid_argument("unknown backend '" + name + "' (native, sim)");
}

const char* backend_name(Backend backend) noexcept { return backend == Backend::sim ? "sim" : "native"; }

json describe(const AdapterOptions& options) {
  json ready = {{"op", "ready"},
               {"protocol", kProtocolVersion},
               {"language", kLanguageVersion},
               {"adapter", {{"name", "loopcheck-aio-adapter"}, {"version", kAdapterVersion}}},
               {"implementation",
                {{"name", "aio"},
                 {"version", LOOPCHECK_AIO_VERSION},
                 {"language", "c++"},
                 {"asyncio_version", kAsyncioVersion},
                 {"platform", platform(options)}}},
               {"capabilities", capabilities(options)},
               {"time", options.backend == Backend::sim ? "virtual" : "real"}};
  if (options.backend == Backend::sim) ready["run_options"] = {"chaos", "trace_world"};
  return ready;
}

json run_scenario(const json& raw, const AdapterOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const std::string name = scenario_name(raw);
  json out;
  try {
    json sc;
    try {
      sc = validate_scenario(raw);
    } catch (const ScenarioError& e) {
      out = answer("invalid", name + ": " + e.where() + ": " + e.what());
      out["error"]["path"] = e.where();
    }
    if (out.is_null()) {
      std::string reason = skip_reason(sc, options);
      std::string gap = reason.empty() ? unsupported_reason(sc, options) : "";
      if (!reason.empty()) {
        out = answer("skipped", name + ": " + reason);
      } else if (!gap.empty()) {
        out = answer("unsupported", name + ": " + gap);
      } else if (options.chaos && options.backend != Backend::sim) {
        out = answer("adapter_error", name + ": chaos mode needs the sim backend (it permutes the simulator's orders)");
      } else {
        out = run_valid(sc, options);
      }
    }
  } catch (const std::exception& e) {
    out = answer("adapter_error", name + ": " + aio::exception_type_name(std::current_exception()) + ": " + e.what());
  } catch (const Abort& a) {
    out = answer("adapter_error", name + ": " + a.status + ": " + a.message);
  } catch (...) {
    out = answer("adapter_error", name + ": " + aio::describe_exception(std::current_exception()));
  }
  out["duration"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace loopcheck::aio_adapter
