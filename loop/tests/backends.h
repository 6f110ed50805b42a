#pragma once
// The backends every loop test body runs on: the real kernel (epoll, and for I/O tests poll
// and select too) and the simulator. Each one says how to build seams, how to make a callback
// "block" for a while, and how exact its clock is.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "aio/real_seams.h"
#include "aio/seams.h"
#include "aio/sim/world.h"

namespace aio::testing {

template <const char* SelectorName>
struct RealBackend {
  static constexpr bool simulated = false;
  static constexpr const char* name() { return SelectorName; }
  // Real time: loop.time() may differ from the ideal by scheduling noise.
  static constexpr double tolerance = 0.05;

  Seams seams() { return real_seams(SelectorName); }
  // A callback that takes `seconds` of wall time.
  void block(double seconds) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
  void setenv(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  void unsetenv(const std::string& name) { ::unsetenv(name.c_str()); }
  // Runs fn on another thread after `seconds` of wall time.
  void in_other_thread(double seconds, std::function<void()> fn) {
    threads_.emplace_back([seconds, fn = std::move(fn)] {
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
      fn();
    });
  }
  void join_threads() {
    for (std::thread& t : threads_)
      if (t.joinable()) t.join();
    threads_.clear();
  }
  ~RealBackend() { join_threads(); }

 private:
  std::vector<std::thread> threads_;
};

inline constexpr char kEpoll[] = "epoll";
inline constexpr char kPoll[] = "poll";
inline constexpr char kSelect[] = "select";
using Epoll = RealBackend<kEpoll>;
using Poll = RealBackend<kPoll>;
using Select = RealBackend<kSelect>;

struct Sim {
  static constexpr bool simulated = true;
  static constexpr const char* name() { return "sim"; }
  static constexpr double tolerance = 1e-9;

  sim::World world{20261122};
  Seams seams() { return world.seams(); }
  // Simulated CPU time: the virtual clock moves, nothing waits.
  void block(double seconds) { world.advance(seconds); }
  void setenv(const std::string& name, const std::string& value) { world.setenv(name, value); }
  void unsetenv(const std::string& name) { world.unsetenv(name); }
  // "Another thread" in the simulator: a world event `seconds` of virtual time from now, run
  // when the loop would otherwise wait.
  void in_other_thread(double seconds, std::function<void()> fn) {
    world.call_later(seconds, std::move(fn), "other thread");
  }
  void join_threads() {}
};

}  // namespace aio::testing
