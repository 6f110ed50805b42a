#include "yaml_scalars.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cmath>
#include <limits>
#include <cstring>
#include <iterator>

namespace loopcheck::yaml_scalars {
namespace {

// PyYAML's implicit resolvers (resolver.py), matched by hand: std::regex's matcher recurses
// once per character, so a long plain scalar overflowed the stack (found by fuzz/scenario_yaml:
// an integer of a few thousand digits). Each function below is one of PyYAML's patterns, as a
// full match; the comment above it is the pattern.
class Scan {
 public:
  explicit Scan(const std::string& text) : s_(text) {}
  bool at_end() const { return i_ == s_.size(); }
  bool peek_in(const char* set) const {
    return i_ < s_.size() && s_[i_] != '\0' && std::strchr(set, s_[i_]) != nullptr;
  }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  bool eat_in(const char* set) { return peek_in(set) ? (++i_, true) : false; }
  std::size_t eat_all(const char* set) {
    std::size_t n = 0;
    while (eat_in(set)) ++n;
    return n;
  }
  bool eat_word(const char* word) {
    const std::size_t n = std::strlen(word);
    if (s_.compare(i_, n, word) != 0) return false;
    i_ += n;
    return true;
  }
  std::size_t pos() const { return i_; }
  void rewind(std::size_t to) { i_ = to; }
  char next() const { return i_ + 1 < s_.size() ? s_[i_ + 1] : '\0'; }

 private:
  const std::string& s_;
  std::size_t i_ = 0;
};

constexpr const char* kDigits = "0123456789";
constexpr const char* kDigitsUnderscore = "0123456789_";

// (?::[0-5]?[0-9])+ : what follows is never a digit, so two digits are taken when they fit.
bool sexagesimal_tail(Scan& in) {
  std::size_t groups = 0;
  while (in.eat(':')) {
    if (in.peek_in("012345") && std::strchr(kDigits, in.next()) && in.next() != '\0') {
      in.eat_in(kDigits);
      in.eat_in(kDigits);
    } else if (!in.eat_in(kDigits)) {
      return false;
    }
    ++groups;
  }
  return groups > 0;
}

// (?:[eE][-+][0-9]+)?
bool optional_exponent(Scan& in) {
  if (!in.eat_in("eE")) return true;
  return in.eat_in("-+") && in.eat_all(kDigits) > 0;
}

bool is_bool(const std::string& t) {
  static const char* const words[] = {"yes", "Yes", "YES", "no",  "No",  "NO",
                                      "true", "True", "TRUE", "false", "False", "FALSE",
                                      "on",  "On",  "ON",  "off", "Off", "OFF"};
  return std::any_of(std::begin(words), std::end(words), [&](const char* w) { return t == w; });
}

bool is_float(const std::string& t) {
  {  // [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    Scan in(t);
    in.eat_in("-+");
    if (in.eat_in(kDigits) && (in.eat_all(kDigitsUnderscore), in.eat('.')) &&
        (in.eat_all(kDigitsUnderscore), optional_exponent(in)) && in.at_end())
      return true;
  }
  {  // \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    Scan in(t);
    if (in.eat('.') && in.eat_in(kDigits) && (in.eat_all(kDigitsUnderscore), optional_exponent(in)) &&
        in.at_end())
      return true;
  }
  {  // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    Scan in(t);
    in.eat_in("-+");
    if (in.eat_in(kDigits) && (in.eat_all(kDigitsUnderscore), sexagesimal_tail(in)) && in.eat('.') &&
        (in.eat_all(kDigitsUnderscore), in.at_end()))
      return true;
  }
  {  // [-+]?\.(?:inf|Inf|INF)
    Scan in(t);
    in.eat_in("-+");
    if (in.eat('.') && (in.eat_word("inf") || in.eat_word("Inf") || in.eat_word("INF")) && in.at_end())
      return true;
  }
  // \.(?:nan|NaN|NAN)
  return t == ".nan" || t == ".NaN" || t == ".NAN";
}

bool is_int(const std::string& t) {
  const auto signed_scan = [&t] {
    Scan in(t);
    in.eat_in("-+");
    return in;
  };
  {  // [-+]?0b[0-1_]+
    Scan in = signed_scan();
    if (in.eat_word("0b") && in.eat_all("01_") > 0 && in.at_end()) return true;
  }
  {  // [-+]?0[0-7_]+
    Scan in = signed_scan();
    if (in.eat('0') && in.eat_all("01234567_") > 0 && in.at_end()) return true;
  }
  {  // [-+]?(?:0|[1-9][0-9_]*)
    Scan in = signed_scan();
    if (in.eat('0') ? in.at_end() : (in.eat_in("123456789") && (in.eat_all(kDigitsUnderscore), in.at_end())))
      return true;
  }
  {  // [-+]?0x[0-9a-fA-F_]+
    Scan in = signed_scan();
    if (in.eat_word("0x") && in.eat_all("0123456789abcdefABCDEF_") > 0 && in.at_end()) return true;
  }
  // [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
  Scan in = signed_scan();
  return in.eat_in("123456789") && (in.eat_all(kDigitsUnderscore), sexagesimal_tail(in)) && in.at_end();
}

// [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
// | [0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?
//   :[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
bool is_timestamp(const std::string& t) {
  Scan in(t);
  const auto digits = [&in](std::size_t min, std::size_t max) {
    std::size_t n = 0;
    while (n < max && in.eat_in(kDigits)) ++n;
    return n >= min;
  };
  if (!digits(4, 4) || !in.eat('-')) return false;
  const std::size_t month = in.pos();
  if (digits(2, 2) && in.eat('-') && digits(2, 2) && in.at_end()) return true;
  in.rewind(month);
  if (!digits(1, 2) || !in.eat('-') || !digits(1, 2)) return false;
  if (!in.eat_in("Tt") && in.eat_all(" \t") == 0) return false;
  if (!digits(1, 2) || !in.eat(':') || !digits(2, 2) || !in.eat(':') || !digits(2, 2)) return false;
  if (in.eat('.')) in.eat_all(kDigits);
  const std::size_t zone = in.pos();
  in.eat_all(" \t");
  if (in.eat('Z')) return in.at_end();
  if (in.eat_in("-+") && digits(1, 2)) {
    const std::size_t minutes = in.pos();
    if (!(in.eat(':') && digits(2, 2))) in.rewind(minutes);
    return in.at_end();
  }
  in.rewind(zone);
  return in.at_end();
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
  const bool prefixed = v.rfind("0b", 0) == 0 || v.rfind("0x", 0) == 0;
  if (prefixed && v.size() == 2)  // PyYAML: int('', 2) raises ValueError
    throw BadScalar("has no digits after its " + v + " prefix: PyYAML cannot read it either");
  if (v == "0") return 0;
  int base = 10;
  std::string digits = v;
  if (v.rfind("0b", 0) == 0) {
    base = 2, digits = v.substr(2);
  } else if (v.rfind("0x", 0) == 0) {
    base = 16, digits = v.substr(2);
  } else if (v[0] == '0') {
    base = 8;
  } else if (v.find(':') != std::string::npos) {
    // Python's int is exact; a value beyond 64 bits stays a float here (found by
    // fuzz/scenario_yaml: "777...7:0" was cast to long long out of range).
    const double value = sign * sexagesimal(v);
    if (value >= -0x1p63 && value < 0x1p63) return static_cast<long long>(value);
    return value;
  }
  try {
    return sign * std::stoll(digits, nullptr, base);
  } catch (const std::out_of_range&) {  // beyond 64 bits: the nearest float of the magnitude
    if (base == 10) return sign * to_double(digits);
    double value = 0;
    for (char c : digits) {
      const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
      value = value * base + d;
    }
    return sign * value;
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
  if (is_bool(text)) {
    char c = text[0];
    bool yes = c == 'y' || c == 'Y' || c == 't' || c == 'T' || text == "on" || text == "On" ||
               text == "ON";
    return {"bool", yes};
  }
  if (is_float(text))
    return {"float", make_float(text)};
  if (is_int(text))
    return {"int", make_int(text)};
  if (text == "<<") return {"merge", text};
  if (is_timestamp(text))
    return {"timestamp", text};
  if (text == "=") return {"value", text};
  return {"str", text};
}

}  // namespace loopcheck::yaml_scalars
