#pragma once
// aio::ThreadPoolExecutor: concurrent.futures.ThreadPoolExecutor for run_in_executor. Workers
// start as work arrives (while none is idle), up to max_workers, named
// "<prefix>_0", "<prefix>_1", ... (THR-04: the loop's default pool uses the prefix "asyncio").
// Part of the real backend: the loop core never starts a thread itself.
//
// Destruction shuts the pool down and joins every thread it started, so work still running
// finishes first.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aio/executor.h"

namespace aio {

class ThreadPoolExecutor final : public Executor {
 public:
  explicit ThreadPoolExecutor(std::size_t max_workers = default_max_workers(),
                              std::string thread_name_prefix = "ThreadPoolExecutor");
  ~ThreadPoolExecutor() override;
  ThreadPoolExecutor(const ThreadPoolExecutor&) = delete;
  ThreadPoolExecutor& operator=(const ThreadPoolExecutor&) = delete;

  // min(32, number of CPUs + 4), as Python 3.8+.
  static std::size_t default_max_workers();

  std::string_view name() const override { return "ThreadPoolExecutor"; }
  void submit(std::function<void()> work) override;
  void shutdown(bool wait = true, bool cancel_futures = false) override;
  void shutdown_in_background(std::function<void(std::exception_ptr)> done) override;

  std::size_t max_workers() const noexcept { return max_workers_; }
  // Threads started so far.
  std::size_t thread_count() const;

 private:
  void worker(std::size_t index);
  void join_all();

  const std::size_t max_workers_;
  const std::string prefix_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool shutdown_ = false;
  std::mutex join_mutex_;  // one joiner at a time
  std::vector<std::thread> helpers_;  // shutdown_in_background's threads
};

}  // namespace aio
