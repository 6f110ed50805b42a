#pragma once
// Python-style repr() of C++ values, for handle reprs, "Exception in callback f(1, 'x')"
// messages and exception-context log lines. Pure formatting: no I/O, no loop state.

#include <concepts>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>

namespace aio {

// The demangled C++ name of a type, e.g. "int" or "main::{lambda(int)#1}".
std::string demangled_type_name(const std::type_info& type);
// Python's repr of a string: single-quoted, with escapes ('it\'s' becomes "it's" as Python does).
std::string repr_string(std::string_view text);
// Python's repr of a float: shortest round-trip digits, "1.0" for integral values, "inf", "nan".
std::string repr_double(double value);

// A type may provide its own repr as a member `std::string repr() const`.
template <class T>
concept HasReprMember = requires(const T& t) {
  { t.repr() } -> std::convertible_to<std::string>;
};

template <class T>
concept Streamable = requires(std::ostream& os, const T& t) {
  { os << t } -> std::same_as<std::ostream&>;
};

template <class T>
std::string repr(const T& value) {
  using U = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<U, bool>) {
    return value ? "True" : "False";
  } else if constexpr (std::is_same_v<U, std::nullptr_t>) {
    return "None";
  } else if constexpr (std::is_floating_point_v<U>) {
    return repr_double(static_cast<double>(value));
  } else if constexpr (std::is_same_v<U, char>) {
    return repr_string(std::string_view(&value, 1));
  } else if constexpr (std::is_integral_v<U>) {
    return std::to_string(value);
  } else if constexpr (std::is_convertible_v<const U&, std::string_view>) {
    return repr_string(std::string_view(value));
  } else if constexpr (HasReprMember<U>) {
    return std::string(value.repr());
  } else if constexpr (Streamable<U>) {
    std::ostringstream out;
    out << value;
    return out.str();
  } else {
    return "<" + demangled_type_name(typeid(U)) + " object>";
  }
}

}  // namespace aio
