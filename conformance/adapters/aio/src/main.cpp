// loopcheck-aio-adapter: the aio loop behind the loopcheck adapter protocol.
//
//   loopcheck-aio-adapter --backend native|sim [--seed N] [--chaos]  protocol on stdin/stdout
//   loopcheck-aio-adapter --backend sim --scenario FILE.json        run one scenario, print
//                                                                   the result (pretty JSON)
//
// stdout carries protocol lines only: fd 1 is moved onto stderr before anything runs, and
// answers go to a private duplicate of the original stdout.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include <ext/stdio_filebuf.h>

#include "loopcheck/aio_adapter.h"

namespace {

int usage(const char* message) {
  std::cerr << "loopcheck-aio-adapter: " << message << "\n"
            << "usage: loopcheck-aio-adapter --backend native|sim [--seed N] [--chaos] [--trace-world]"
               " [--scenario FILE.json]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace loopcheck::aio_adapter;
  AdapterOptions options;
  std::string scenario_file;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
        return argv[++i];
      };
      if (arg == "--backend") {
        options.backend = parse_backend(value());
      } else if (arg == "--seed") {
        options.seed = std::stoull(value());
      } else if (arg == "--chaos") {
        options.chaos = true;
      } else if (arg == "--trace-world") {
        options.trace_world = true;
      } else if (arg == "--scenario") {
        scenario_file = value();
      } else if (arg == "--help" || arg == "-h") {
        usage("speaks the loopcheck adapter protocol (conformance/PROTOCOL.md)");
        return 0;
      } else {
        return usage(("unknown argument " + arg).c_str());
      }
    }
  } catch (const std::exception& e) {
    return usage(e.what());
  }

  // Keep the protocol stream for ourselves; anything else written to fd 1 goes to stderr.
  int protocol_fd = dup(STDOUT_FILENO);
  if (protocol_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    std::perror("loopcheck-aio-adapter: dup");
    return 1;
  }
  __gnu_cxx::stdio_filebuf<char> buf(protocol_fd, std::ios::out);
  std::ostream out(&buf);

  if (!scenario_file.empty()) {
    std::ifstream file(scenario_file);
    nlohmann::json scenario = nlohmann::json::parse(file, nullptr, false);
    if (scenario.is_discarded()) return usage((scenario_file + " is not JSON").c_str());
    out << run_scenario(scenario, options).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    out.flush();
    return 0;
  }
  return serve(std::cin, out, options);
}
