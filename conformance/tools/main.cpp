// loopcheck: runs the scenario corpus (scenarios/) against an event loop through an adapter
// and writes reports. The work is in the library loopcheck_core; this is the command line.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "args.h"
#include "commands.h"

namespace {

const char* kUsage = R"(loopcheck: the executable specification of asyncio's event loop

usage: loopcheck COMMAND [options]      (loopcheck COMMAND --help for its options)

commands:
  run        run scenarios on an adapter; print results; write reports with --report
  list       list the scenarios (id, level, rules, title)
  validate   check every scenario file and expectations file; errors name file:line:column
  coverage   catalogue rule IDs against the scenarios that cite them, with reasons for the rest
  adapters   the adapters available on this machine, with their implementations
  report     rebuild junit.xml, summary.md and index.html from DIR/runs/*.jsonl
  fuzz       differential runs: random scenarios on two adapters; divergences shrunk and written
  serve      serve an in-process adapter (native, sim, model, model-fifo) over the adapter protocol

Exit status: 0 when every result is expected (PASS, SKIP, XFAIL), 1 when any is not
(FAIL, ERROR, CRASH, TIMEOUT, XPASS) or the harness met a problem, 2 on a usage error.
)";

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a dead adapter is a CRASH, not the harness's death
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("loopcheck %s\n", LOOPCHECK_VERSION);
    return 0;
  }
  const std::string cmd = argv[1];
  using namespace loopcheck::cli;
  try {
    if (cmd == "run") return cmd_run(argc, argv);
    if (cmd == "list") return cmd_list(argc, argv);
    if (cmd == "validate") return cmd_validate(argc, argv);
    if (cmd == "coverage") return cmd_coverage(argc, argv);
    if (cmd == "adapters") return cmd_adapters(argc, argv);
    if (cmd == "report") return cmd_report(argc, argv);
    if (cmd == "serve") return cmd_serve(argc, argv);
    if (cmd == "fuzz") return cmd_fuzz(argc, argv);
    std::fprintf(stderr, "loopcheck: unknown command '%s' (try loopcheck --help)\n", cmd.c_str());
    return 2;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "loopcheck %s: %s (try loopcheck %s --help)\n", cmd.c_str(), e.what(), cmd.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loopcheck %s: %s\n", cmd.c_str(), e.what());
    return 1;
  }
}
