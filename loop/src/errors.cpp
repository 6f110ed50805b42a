// Exception types and their Python-style descriptions.
#include "aio/errors.h"

#include <cxxabi.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <typeinfo>

namespace aio {

namespace {

std::string os_error_message(int err, const std::string& detail) {
  std::string text = "[Errno " + std::to_string(err) + "] " + std::strerror(err);
  if (!detail.empty()) text += ": " + detail;
  return text;
}

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                             std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(mangled);
}

}  // namespace

OSError::OSError(int err, const std::string& detail)
    : Exception(os_error_message(err, detail)), errno_(err) {}

TimeoutError::TimeoutError(const std::string& message) : OSError(Raw{}, ETIMEDOUT, message) {}

bool is_cancelled_error(const std::exception_ptr& error) noexcept {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError&) {
    return true;
  } catch (...) {
    return false;
  }
}

std::string exception_type_name(const std::exception_ptr& error) noexcept {
  try {
    if (!error) return "None";
    std::rethrow_exception(error);
  } catch (const BaseException& e) {
    return e.type_name();
  } catch (const Exception& e) {
    return e.type_name();
  } catch (const CancelledError& e) {
    return e.type_name();
  } catch (const std::exception& e) {
    try {
      return demangle(typeid(e).name());
    } catch (...) {
      return "std::exception";
    }
  } catch (...) {
    try {
      const std::type_info* type = abi::__cxa_current_exception_type();
      return type ? demangle(type->name()) : "unknown exception";
    } catch (...) {
      return "unknown exception";
    }
  }
}

std::string describe_exception(const std::exception_ptr& error) noexcept {
  try {
    std::string name = exception_type_name(error);
    try {
      if (error) std::rethrow_exception(error);
    } catch (const std::exception& e) {
      const char* what = e.what();
      if (what && *what) return name + ": " + what;
      return name;
    } catch (...) {
    }
    return name;
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace aio
