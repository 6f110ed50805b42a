// The adapters loopcheck knows by name, and how a session for each is made.
//
//   native   aio on the real kernel (epoll), in-process adapter   } built when the library
//   sim      aio on aio::sim (virtual time, --seed), in-process   } loopcheck_aio_adapter is
//   model    the reference model (conformance/model/), in-process: CPython 3.11 on virtual time
//   asyncio  CPython's asyncio through the Python driver (virtual time)
//   uvloop   uvloop through the Python driver (real time)
//   --adapter-cmd CMD   any program speaking the protocol (PROTOCOL.md)
//
// In-process adapters run, by default, in a child `loopcheck serve --adapter NAME`, so that
// a crash or a hang in the loop under test is a CRASH or TIMEOUT of one scenario and never
// takes the harness down; `--in-process` calls them directly (faster to debug, no deadline).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "loopcheck/adapter.h"

namespace loopcheck {

struct AdapterSpec {
  std::string name;
  std::string description;
  bool in_process = false;
  std::vector<std::string> argv;  // process adapters
  std::string unavailable;        // why it cannot run here; empty when it can
};

// Every named adapter, available or not. `root` is the repository (for the Python driver).
std::vector<AdapterSpec> builtin_adapters(const std::string& root);
// Throws std::invalid_argument naming the known adapters.
AdapterSpec find_adapter(const std::string& name, const std::string& root);
// An adapter given as a shell command line (run with /bin/sh -c).
AdapterSpec command_adapter(const std::string& command);

// The in-process adapter of that name (native, sim, model), or null when not built in.
std::shared_ptr<Adapter> make_inprocess_adapter(const std::string& name);
// Why in-process aio adapters are missing (empty when they are built in).
std::string inprocess_unavailable_reason();

struct SessionOptions {
  bool isolate = true;          // in-process adapters: run them in `loopcheck serve`
  std::string self_exe;         // the loopcheck binary (default: /proc/self/exe)
  std::uint64_t seed = 1;
  std::string stderr_path;      // where the adapter's stderr goes (empty: /dev/null)
};
std::unique_ptr<Session> make_session(const AdapterSpec& spec, const SessionOptions& options);

// The Python interpreter for the driver: $LOOPCHECK_PYTHON, else /usr/bin/python3 (Debian's,
// with asyncio 3.11 and uvloop), else python3 on PATH.
std::string python_interpreter();

}  // namespace loopcheck
