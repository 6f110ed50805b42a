// Helpers for the model's unit tests: a loop whose callbacks append to a log.
#pragma once

#include <string>
#include <vector>

#include "event_loop.h"
#include "futures.h"
#include "tasks.h"

namespace loopcheck::refmodel::testing {

struct Log {
  std::vector<std::string> items;
  // A callback that appends `name`.
  std::function<void()> add(std::string name) {
    return [this, name = std::move(name)] { items.push_back(name); };
  }
};

// Runs the loop until a stop callback scheduled at `at` (virtual seconds).
inline void run_until(EventLoop& loop, double at) {
  loop.call_at(at, [&loop] { loop.stop(); });
  loop.run_forever();
}

}  // namespace loopcheck::refmodel::testing
