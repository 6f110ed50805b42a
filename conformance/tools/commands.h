// The loopcheck subcommands. Each returns the process exit status.
#pragma once

#include <string>

namespace loopcheck::cli {

// Where the repository is: --root, $LOOPCHECK_ROOT, the current directory or a parent of
// it holding scenarios/ and conformance/, else the source tree loopcheck was built from.
std::string find_root(const std::string& given);

int cmd_run(int argc, char** argv);
int cmd_list(int argc, char** argv);
int cmd_validate(int argc, char** argv);
int cmd_coverage(int argc, char** argv);
int cmd_adapters(int argc, char** argv);
int cmd_report(int argc, char** argv);
int cmd_serve(int argc, char** argv);
int cmd_fuzz(int argc, char** argv);

}  // namespace loopcheck::cli
