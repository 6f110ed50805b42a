// For the fuzz targets: the trace an expectation describes, built from the expectation
// alone (each event item in document order, `unordered` in the order written, globs
// resolved to a text they match), so that a target can check the checker against it:
// that trace passes, and the same trace with one event dropped or added fails.
// Must not consult the checker: it is what the checker is checked against.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "loopcheck/expect.h"
#include "loopcheck/json.h"

namespace loopcheck::fuzz {

// The checker gave up (its work budget): the only case where the trace an expectation
// describes may fail.
inline bool too_complex(const std::vector<std::string>& problems) {
  return problems.size() == 1 && problems[0].rfind("the expectation is too complex to check", 0) == 0;
}

// A text the glob matches: `*` matches nothing, `?` one character, `\x` is x.
inline std::string glob_example(const std::string& pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) out += pattern[++i];
    else if (c == '*') continue;
    else if (c == '?') out += 'x';
    else out += c;
  }
  return out;
}

inline bool finite_numbers(const Json& v) {
  if (v.is_number_float()) return std::isfinite(v.get<double>());
  if (v.is_structured())
    for (const auto& x : v)
      if (!finite_numbers(x)) return false;
  return true;
}

// A value that value_equal() accepts for `want` ({type, message} keeps its type and
// resolves the message glob).
inline Json value_example(const Json& want) {
  if (want.is_array()) {
    Json out = Json::array();
    for (const auto& x : want) out.push_back(value_example(x));
    return out;
  }
  if (want.is_object()) {
    Json out = want;
    if (want.contains("message") && want["message"].is_string())
      out["message"] = glob_example(want["message"].get<std::string>());
    return out;
  }
  return want;
}

// Appends the events `item` describes to `trace`; false if no such trace can be written
// (non-finite numbers: nan equals nothing, as in Python).
inline bool append_expected(const Item& item, Json& trace) {
  if (item.is_group) {
    for (const auto& c : item.children)
      if (!append_expected(*c, trace)) return false;
    return true;
  }
  if (!finite_numbers(item.fields) || (item.at && !std::isfinite(*item.at))) return false;
  Json ev = {{"kind", item.kind}, {"t", item.at ? *item.at : 0.0}};
  for (const auto& [key, want] : item.fields.items()) {
    if (key == "message" && want.is_string()) ev[key] = glob_example(want.get<std::string>());
    else if (key == "value" || key == "exception") ev[key] = value_example(want);
    else ev[key] = want;
  }
  trace.push_back(std::move(ev));
  return true;
}

}  // namespace loopcheck::fuzz
