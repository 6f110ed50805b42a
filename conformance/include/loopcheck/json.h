// JSON values for loopcheck, and Python-compatible text for them.
//
// Scenarios keep the key order of their file (validation errors name the first bad key in
// file order, as the Python reference does), so the whole harness uses nlohmann's
// ordered_json. The py_* functions print values exactly as Python's repr() and
// json.dumps() do, so that error and checker messages are the same text in C++ and in the
// Python reference tools (conformance/adapters/python/).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace loopcheck {

using Json = nlohmann::ordered_json;

// A place in a JSON value: keys and list indexes, as strings ("program", "3", ...).
using Path = std::vector<std::string>;

// "/program/3/call_later/delay"; "/" for the root.
std::string path_str(const Path& path);

// Python's repr() of the equivalent Python value: None, True, 'text', [1, 2.0], {'a': 1}.
std::string py_repr(const Json& value);
// repr() of a float: shortest round-trip digits, "1.0", "1e-05", "1e+16", "inf", "nan".
std::string py_float_repr(double value);
// repr() of a str: single quotes unless the text has ' and no ".
std::string py_str_repr(const std::string& text);
// str() of a number as Python prints it (ints as ints, floats as repr).
std::string py_number_str(const Json& number);

// json.dumps(value) with Python's defaults: ", " and ": " separators, ensure_ascii.
std::string py_dumps(const Json& value, bool sort_keys = false);

// The value's kind in Python terms.
inline bool is_number(const Json& v) { return v.is_number(); }  // bool is not a number here
inline bool is_scalar(const Json& v) {
  return v.is_null() || v.is_boolean() || v.is_number() || v.is_string();
}

// JSON text nested deeper than this (arrays and objects) is refused where it comes from
// outside (adapter answers, report files): nlohmann's copy and dump recurse, so a deep
// enough value read from a line would overflow the stack of whatever copies it.
inline constexpr int kMaxJsonDepth = 100;
// True if `text`, read as JSON, nests arrays and objects deeper than `limit` (brackets
// inside strings do not count). Linear, and never parses.
bool json_nested_deeper_than(const std::string& text, int limit = kMaxJsonDepth);

// Converts between ordered and plain nlohmann::json (in-process adapters take the latter).
nlohmann::json to_plain(const Json& value);
Json from_plain(const nlohmann::json& value);

}  // namespace loopcheck
