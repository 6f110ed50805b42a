#include "yaml_scalars.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cmath>
#include <limits>
#include <regex>

namespace loopcheck::yaml_scalars {
namespace {

const std::regex& bool_re() {
  static const std::regex re(
      "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
  return re;
}
const std::regex& float_re() {
  static const std::regex re(
      "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
      "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
      "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
      "|[-+]?\\.(?:inf|Inf|INF)"
      "|\\.(?:nan|NaN|NAN)");
  return re;
}
const std::regex& int_re() {
  static const std::regex re(
      "[-+]?0b[0-1_]+"
      "|[-+]?0[0-7_]+"
      "|[-+]?(?:0|[1-9][0-9_]*)"
      "|[-+]?0x[0-9a-fA-F_]+"
      "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
  return re;
}
const std::regex& timestamp_re() {
  static const std::regex re(
      "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
      "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
      "(?:[Tt]|[ \\t]+)[0-9][0-9]?"
      ":[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?"
      "(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?");
  return re;
}

bool first_in(const std::string& text, const char* chars) {
  return !text.empty() && std::string(chars).find(text[0]) != std::string::npos;
}

std::string without(std::string s, char c) {
  s.erase(std::remove(s.begin(), s.end(), c), s.end());
  return s;
}

// Like std::stod, but a magnitude beyond double's range is infinity (as Python's float("1e999"))
// rather than an exception (found by fuzz/scenario_yaml: an integer of 300 nines).
double to_double(const std::string& s) {
  return std::strtod(s.c_str(), nullptr);
}

// Sexagesimal "1:20:30" -> digits in base 60, as PyYAML.
double sexagesimal(const std::string& s) {
  double value = 0;
  size_t start = 0;
  for (;;) {
    auto colon = s.find(':', start);
    value = value * 60 + to_double(s.substr(start, colon - start));
    if (colon == std::string::npos) return value;
    start = colon + 1;
  }
}

Json make_int(const std::string& raw) {
  std::string v = without(raw, '_');
  int sign = 1;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    if (v[0] == '-') sign = -1;
    v.erase(0, 1);
  }
  try {
    if (v == "0") return 0;
    if (v.rfind("0b", 0) == 0) return sign * std::stoll(v.substr(2), nullptr, 2);
    if (v.rfind("0x", 0) == 0) return sign * std::stoll(v.substr(2), nullptr, 16);
    if (v[0] == '0') return sign * std::stoll(v, nullptr, 8);
    if (v.find(':') != std::string::npos) return static_cast<long long>(sign * sexagesimal(v));
    return sign * std::stoll(v);
  } catch (const std::out_of_range&) {  // beyond 64 bits: keep the magnitude as a float
    return sign * to_double(v);
  }
}

Json make_float(const std::string& raw) {
  std::string v = without(raw, '_');
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double sign = 1;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    if (v[0] == '-') sign = -1;
    v.erase(0, 1);
  }
  if (v == ".inf") return sign * std::numeric_limits<double>::infinity();
  if (v == ".nan") return std::numeric_limits<double>::quiet_NaN();
  if (v.find(':') != std::string::npos) return sign * sexagesimal(v);
  return sign * to_double(v);
}

}  // namespace

bool is_json_bool(const std::string& text) {
  return text == "true" || text == "false" || text == "True" || text == "False" ||
         text == "TRUE" || text == "FALSE";
}

Resolved resolve(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    return {"null", nullptr};
  if (first_in(text, "yYnNtTfFoO") && std::regex_match(text, bool_re())) {
    char c = text[0];
    bool yes = c == 'y' || c == 'Y' || c == 't' || c == 'T' || text == "on" || text == "On" ||
               text == "ON";
    return {"bool", yes};
  }
  if (first_in(text, "-+0123456789.") && std::regex_match(text, float_re()))
    return {"float", make_float(text)};
  if (first_in(text, "-+0123456789") && std::regex_match(text, int_re()))
    return {"int", make_int(text)};
  if (text == "<<") return {"merge", text};
  if (first_in(text, "0123456789") && std::regex_match(text, timestamp_re()))
    return {"timestamp", text};
  if (text == "=") return {"value", text};
  return {"str", text};
}

}  // namespace loopcheck::yaml_scalars
