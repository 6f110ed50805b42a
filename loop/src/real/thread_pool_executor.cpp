// ThreadPoolExecutor: a queue, a condition variable and lazily started workers
// (concurrent/futures/thread.py's behaviour, with C++ threads).
#include "aio/thread_pool_executor.h"

#include <pthread.h>

#include <algorithm>

#include "aio/errors.h"

namespace aio {

ThreadPoolExecutor::ThreadPoolExecutor(std::size_t max_workers, std::string thread_name_prefix)
    : max_workers_(max_workers), prefix_(std::move(thread_name_prefix)) {
  if (max_workers_ == 0) throw ValueError("max_workers must be greater than 0");
}

ThreadPoolExecutor::~ThreadPoolExecutor() {
  shutdown(/*wait=*/true);
  std::vector<std::thread> helpers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    helpers.swap(helpers_);
  }
  for (std::thread& t : helpers)
    if (t.joinable()) t.join();
}

std::size_t ThreadPoolExecutor::default_max_workers() {
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  return std::min<std::size_t>(32, cpus + 4);
}

std::size_t ThreadPoolExecutor::thread_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_.size();
}

void ThreadPoolExecutor::submit(std::function<void()> work) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (shutdown_) throw RuntimeError("cannot schedule new futures after shutdown");
  queue_.push_back(std::move(work));
  if (idle_ == 0 && threads_.size() < max_workers_) {
    const std::size_t index = threads_.size();
    threads_.emplace_back([this, index] { worker(index); });
  } else {
    work_ready_.notify_one();
  }
}

void ThreadPoolExecutor::worker(std::size_t index) {
  const std::string thread_name = (prefix_ + "_" + std::to_string(index)).substr(0, 15);
  pthread_setname_np(pthread_self(), thread_name.c_str());
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ++idle_;
    work_ready_.wait(lock, [this] { return !queue_.empty() || shutdown_; });
    --idle_;
    if (queue_.empty()) return;  // shut down and nothing left to do
    std::function<void()> work = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    work();
    work = nullptr;  // its captures go on this thread, before the next wait
    lock.lock();
  }
}

void ThreadPoolExecutor::shutdown(bool wait, bool cancel_futures) {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    shutdown_ = true;
    if (cancel_futures) dropped.swap(queue_);
  }
  work_ready_.notify_all();
  dropped.clear();
  if (wait) join_all();
}

void ThreadPoolExecutor::join_all() {
  std::lock_guard<std::mutex> join_lock(join_mutex_);
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    threads.swap(threads_);
  }
  for (std::thread& t : threads)
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  std::lock_guard<std::mutex> lock(mutex_);
  // Put them back (joined) so that thread_count() keeps counting them.
  for (std::thread& t : threads) threads_.push_back(std::move(t));
}

void ThreadPoolExecutor::shutdown_in_background(std::function<void(std::exception_ptr)> done) {
  std::lock_guard<std::mutex> lock(mutex_);
  helpers_.emplace_back([this, done = std::move(done)] {
    std::exception_ptr error;
    try {
      shutdown(/*wait=*/true);
    } catch (...) {
      error = std::current_exception();
    }
    done(error);
  });
}

}  // namespace aio
