// A one-line progress display on stderr when it is a terminal: counts so far and the last
// scenario finished. Thread-safe; silent when disabled.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace loopcheck {

class Progress {
 public:
  Progress(bool enabled, size_t total, std::string label);
  void done(const std::string& status, const std::string& scenario);
  void finish();

 private:
  bool enabled_;
  size_t total_, finished_ = 0;
  std::string label_;
  std::map<std::string, int> counts_;
  std::mutex mu_;
  double started_;
};

}  // namespace loopcheck
