#include "progress.h"

#include <cstdio>

#include "loopcheck/process.h"
#include "loopcheck/results.h"

namespace loopcheck {

Progress::Progress(bool enabled, size_t total, std::string label)
    : enabled_(enabled), total_(total), label_(std::move(label)), started_(monotonic_seconds()) {}

void Progress::done(const std::string& status, const std::string& scenario) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  ++finished_;
  ++counts_[status];
  std::string counts;
  for (const auto& s : all_statuses())
    if (counts_.count(s)) counts += " " + s + " " + std::to_string(counts_[s]);
  std::string name = scenario.size() > 40 ? scenario.substr(0, 37) + "..." : scenario;
  std::fprintf(stderr, "\r\033[K%s [%zu/%zu] %.1fs%s  %s", label_.c_str(), finished_, total_,
               monotonic_seconds() - started_, counts.c_str(), name.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace loopcheck
