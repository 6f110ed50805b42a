// Python-style reprs of C++ values.
#include "aio/repr.h"

#include <cxxabi.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <memory>

namespace aio {

std::string demangled_type_name(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(type.name());
}

std::string repr_string(std::string_view text) {
  // Python prefers single quotes; it switches to double quotes when the text has a single
  // quote and no double quote.
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  static const char* hex = "0123456789abcdef";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

std::string repr_double(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[64];
  // Python switches to exponent notation at 1e16 and below 1e-4.
  const double magnitude = std::fabs(value);
  std::to_chars_result result;
  if (magnitude != 0.0 && (magnitude >= 1e16 || magnitude < 1e-4))
    result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  else
    result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  std::string out(buf, result.ptr);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  // Python writes exponents with at least two digits: 1e-05, 1e+16.
  auto e = out.find('e');
  if (e != std::string::npos) {
    std::string mantissa = out.substr(0, e);
    std::string exponent = out.substr(e + 1);
    char sign = '+';
    if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+')) {
      sign = exponent[0];
      exponent.erase(0, 1);
    }
    if (mantissa.size() > 2 && mantissa.ends_with(".0")) mantissa.resize(mantissa.size() - 2);
    out = mantissa;
    out += 'e';
    out += sign;
    if (exponent.size() < 2) out += '0';
    out += exponent;
  }
  return out;
}

}  // namespace aio
