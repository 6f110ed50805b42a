// HTML helpers for the report page.
#pragma once

#include <string>

#include "loopcheck/json.h"

namespace loopcheck::html {

std::string esc(const std::string& s);
// The benchmark section from reports/bench/results.json (reports/bench/README.md): an SVG
// chart of median rates per workload and implementation, and the targets. Null: a note.
std::string bench_section(const Json& bench);

}  // namespace loopcheck::html
