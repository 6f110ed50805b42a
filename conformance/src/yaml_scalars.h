// Plain YAML scalars resolved as PyYAML's SafeLoader does (YAML 1.1 implicit resolvers:
// bool, float, int, merge, null, timestamp, value; anything else is a string), so that the
// C++ and Python loaders read every file to the same JSON value.
#pragma once

#include <stdexcept>
#include <string>

#include "loopcheck/json.h"

namespace loopcheck::yaml_scalars {

struct Resolved {
  std::string kind;  // bool, float, int, merge, null, timestamp, value, str
  Json value;        // the constructed value (bool, number, null or the text)
};

// Throws BadScalar for a plain scalar PyYAML resolves but cannot construct ("0b_", "0x_").
Resolved resolve(const std::string& text);

struct BadScalar : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// true/false as YAML 1.2 and JSON spell them (PyYAML also accepts True, TRUE, ...).
bool is_json_bool(const std::string& text);

}  // namespace loopcheck::yaml_scalars
