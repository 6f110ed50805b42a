// The trace of one run.
#include "trace.h"

#include <cmath>
#include <source_location>
#include <string_view>

namespace loopcheck::aio_adapter {

namespace {

// The repository root as this build's compiler spelled source paths, found from this file's
// own path: "/home/me/loopcheck/", "../../", or "" when paths are already relative to it.
const std::string& source_root() {
  static const std::string root = [] {
    const std::string_view here = std::source_location::current().file_name();
    constexpr std::string_view kTail = "conformance/adapters/aio/src/trace.cpp";
    if (here.size() < kTail.size() || here.substr(here.size() - kTail.size()) != kTail) return std::string();
    return std::string(here.substr(0, here.size() - kTail.size()));
  }();
  return root;
}

void relative_paths_in(nlohmann::json& value) {
  if (value.is_string()) {
    value = relative_source_paths(value.get<std::string>());
  } else if (value.is_structured()) {
    for (auto& item : value) relative_paths_in(item);
  }
}

}  // namespace

std::string relative_source_paths(std::string text) {
  const std::string& root = source_root();
  if (root.empty()) return text;
  for (std::size_t at = text.find(root); at != std::string::npos; at = text.find(root, at)) text.erase(at, root.size());
  return text;
}

double round9(double seconds) {
  double rounded = std::nearbyint(seconds * 1e9) / 1e9;
  return rounded == 0.0 ? 0.0 : rounded;  // no -0.0
}

void Trace::emit(const char* kind, nlohmann::json fields) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!open_) return;
  nlohmann::json event = nlohmann::json::object();
  event["kind"] = kind;
  relative_paths_in(fields);
  for (auto it = fields.begin(); it != fields.end(); ++it) event[it.key()] = std::move(it.value());
  event["t"] = round9(elapsed_());
  events_.push_back(std::move(event));
}

void Trace::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  open_ = false;
}

nlohmann::json Trace::events() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return events_;
}

}  // namespace loopcheck::aio_adapter
