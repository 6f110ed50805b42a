#pragma once
// aio::Location: a call site (file, line, function), captured by default arguments the way
// std::source_location::current() is. Built on the __builtin_FILE/LINE/FUNCTION intrinsics,
// which gcc 12 and clang 14 both have (clang 14 with libstdc++ 12 has no
// std::source_location). Pure data.

#include <cstdint>

namespace aio {

struct Location {
  const char* file = "";
  const char* function = "";
  std::uint32_t line = 0;

  static constexpr Location current(const char* file = __builtin_FILE(),
                                    std::uint32_t line = __builtin_LINE(),
                                    const char* function = __builtin_FUNCTION()) noexcept {
    return Location{file, function, line};
  }
  constexpr const char* file_name() const noexcept { return file; }
  constexpr const char* function_name() const noexcept { return function; }
  constexpr std::uint32_t line_number() const noexcept { return line; }
  constexpr bool known() const noexcept { return line != 0; }
};

}  // namespace aio
