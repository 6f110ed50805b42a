// The trace of one run.
#include "trace.h"

#include <cmath>
#include <string_view>

namespace loopcheck::aio_adapter {

namespace {

// The repository root as this build's compiler spelled source paths, found from this file's
// own path: "/home/me/loopcheck/", "../../", or "" when paths are already relative to it.
const std::string& source_root() {
  static const std::string root = [] {
    const std::string_view here = __FILE__;  // as Location::current() spells paths
    constexpr std::string_view kTail = "conformance/adapters/aio/src/trace.cpp";
    if (here.size() < kTail.size() || here.substr(here.size() - kTail.size()) != kTail) return std::string();
    return std::string(here.substr(0, here.size() - kTail.size()));
  }();
  return root;
}

void build_independent_in(nlohmann::json& value) {
  if (value.is_string()) {
    value = build_independent(value.get<std::string>());
  } else if (value.is_structured()) {
    for (auto& item : value) build_independent_in(item);
  }
}

// Drops ":<digits>" from "<marker><path>:<digits>" wherever marker occurs.
void drop_lines_after(std::string& text, std::string_view marker) {
  for (std::size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    const std::size_t path = at + marker.size();
    const std::size_t end = text.find_first_of(" >", path);
    const std::size_t colon = text.rfind(':', end == std::string::npos ? text.size() - 1 : end - 1);
    if (colon == std::string::npos || colon <= path) continue;
    const std::size_t digits_end = end == std::string::npos ? text.size() : end;
    if (colon + 1 == digits_end ||
        text.find_first_not_of("0123456789", colon + 1) < digits_end)
      continue;
    text.erase(colon, digits_end - colon);
  }
}

}  // namespace

std::string build_independent(std::string text) {
  const std::string& root = source_root();
  if (!root.empty())
    for (std::size_t at = text.find(root); at != std::string::npos; at = text.find(root, at))
      text.erase(at, root.size());
  drop_lines_after(text, "() running at ");
  drop_lines_after(text, "() done, defined at ");
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
  build_independent_in(fields);
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
