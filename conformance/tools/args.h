// A small command-line parser for the loopcheck subcommands: `--name value`,
// `--name=value`, flags, and positional arguments; unknown options are errors.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace loopcheck::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  Args(int argc, char** argv, int first) {
    for (int i = first; i < argc; ++i) {
      std::string a = argv[i];
      if (a.size() > 2 && a.rfind("-j", 0) == 0 && a[2] >= '0' && a[2] <= '9') {  // -j2
        rest_.emplace_back("-j");
        rest_.push_back(a.substr(2));
      } else {
        rest_.push_back(a);
      }
    }
  }
  // Removes every occurrence of the flag; true if there was one.
  bool flag(const std::string& name, const std::string& alias = "") {
    bool found = false;
    for (size_t i = 0; i < rest_.size();)
      if (rest_[i] == name || (!alias.empty() && rest_[i] == alias)) {
        rest_.erase(rest_.begin() + static_cast<long>(i));
        found = true;
      } else {
        ++i;
      }
    return found;
  }
  // Every value of the option, in order.
  std::vector<std::string> values(const std::string& name, const std::string& alias = "") {
    std::vector<std::string> out;
    for (size_t i = 0; i < rest_.size();) {
      const std::string& a = rest_[i];
      if (a == name || (!alias.empty() && a == alias)) {
        if (i + 1 >= rest_.size()) throw UsageError(name + " needs a value");
        out.push_back(rest_[i + 1]);
        rest_.erase(rest_.begin() + static_cast<long>(i), rest_.begin() + static_cast<long>(i) + 2);
      } else if (a.rfind(name + "=", 0) == 0) {
        out.push_back(a.substr(name.size() + 1));
        rest_.erase(rest_.begin() + static_cast<long>(i));
      } else {
        ++i;
      }
    }
    return out;
  }
  std::optional<std::string> value(const std::string& name, const std::string& alias = "") {
    auto v = values(name, alias);
    if (v.size() > 1) throw UsageError(name + " is given more than once");
    if (v.empty()) return std::nullopt;
    return v[0];
  }
  // What is left: positional arguments. Anything starting with '-' is an unknown option.
  std::vector<std::string> positional() const {
    for (const auto& a : rest_)
      if (a.size() > 1 && a[0] == '-') throw UsageError("unknown option " + a);
    return rest_;
  }

 private:
  std::vector<std::string> rest_;
};

long parse_int(const std::string& option, const std::string& v, long min);
double parse_double(const std::string& option, const std::string& v, double min);

}  // namespace loopcheck::cli
