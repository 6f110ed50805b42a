#pragma once
// Validation of a scenario's program (used by validate.cpp): every step, its fields and their
// types, where it may appear, ids defined once and references to ids of the right kind.

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "validate.h"

namespace loopcheck::aio_adapter {

struct ProgramCheck {
  nlohmann::json program;       // normalized steps
  std::set<std::string> needs;  // capabilities the program uses
};

// Throws ScenarioError naming the path of the first problem.
ProgramCheck validate_program(const nlohmann::json& program);

// Short display of a JSON value for error messages (as Python's repr, cut at 60 characters).
std::string show(const nlohmann::json& value);
std::string join(const std::vector<std::string>& items, const std::string& sep);

}  // namespace loopcheck::aio_adapter
