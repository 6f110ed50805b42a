// The native and simulated backends.
#include "host.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "aio/errors.h"
#include "aio/real_seams.h"

namespace loopcheck::aio_adapter {

namespace {

void set_state(ScenarioThread& t, ScenarioThread::State state) {
  {
    std::lock_guard<std::mutex> lock(t.mutex);
    t.state = state;
    if (state == ScenarioThread::State::running) t.runner = std::this_thread::get_id();
  }
  t.changed.notify_all();
}

void check_not_self(ScenarioThread& t) {
  std::lock_guard<std::mutex> lock(t.mutex);
  if (t.state == ScenarioThread::State::running && t.runner == std::this_thread::get_id())
    throw aio::RuntimeError("cannot join current thread");
}

class NativeHost final : public Host {
 public:
  ~NativeHost() override { finish_threads(); }
  bool virtual_time() const override { return false; }
  aio::Seams seams() override { return aio::real_seams("epoll"); }
  void block(double seconds) override {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }

  void launch(std::shared_ptr<ScenarioThread> t) override {
    ScenarioThread* raw = t.get();
    t->thread = std::thread([raw] {
      set_state(*raw, ScenarioThread::State::running);
      if (raw->delay > 0) std::this_thread::sleep_for(std::chrono::duration<double>(raw->delay));
      raw->body();
      set_state(*raw, ScenarioThread::State::done);
    });
    std::lock_guard<std::mutex> lock(mutex_);
    threads_.push_back(std::move(t));
  }

  void join_thread(ScenarioThread& t) override {
    check_not_self(t);
    std::unique_lock<std::mutex> lock(t.mutex);
    t.changed.wait_for(lock, std::chrono::duration<double>(kThreadJoinTimeout),
                       [&] { return t.state == ScenarioThread::State::done; });
  }

  void finish_threads() override {
    std::vector<std::shared_ptr<ScenarioThread>> threads;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      threads.swap(threads_);
    }
    for (auto& t : threads)
      if (t->thread.joinable()) t->thread.join();
  }

 private:
  std::mutex mutex_;
  std::vector<std::shared_ptr<ScenarioThread>> threads_;
};

class SimHost final : public Host {
 public:
  SimHost(std::uint64_t seed, bool chaos) : world_(seed, aio::sim::WorldOptions{.chaos = chaos}) {}
  bool virtual_time() const override { return true; }
  aio::Seams seams() override { return world_.seams(); }
  const aio::sim::World* world() const override { return &world_; }
  // As the reference driver's virtual clock: a negative or zero `block` takes no time.
  void block(double seconds) override {
    if (seconds > 0) world_.advance(seconds);
  }

  void launch(std::shared_ptr<ScenarioThread> t) override {
    const std::string label = "thread " + t->id;
    pending_.push_back(std::move(t));
    world_.call_later(0, [this] { run_next(); }, label);
  }

  void join_thread(ScenarioThread& t) override {
    check_not_self(t);
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const auto& p) { return p.get() == &t; });
    if (it != pending_.end()) {
      run(*it);
      return;
    }
    std::lock_guard<std::mutex> lock(t.mutex);
    // Running but not on this thread: it is blocked joining the caller (a cycle of joins,
    // which would hang a real program).
    if (t.state == ScenarioThread::State::running)
      throw aio::RuntimeError("join_thread: thread " + t.id + " is waiting for this one");
  }

  void finish_threads() override { pending_.clear(); }

 private:
  // A world event: runs the pending thread with the smallest (delay, start order).
  void run_next() {
    if (pending_.empty()) return;
    auto it = std::min_element(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) {
      return a->delay != b->delay ? a->delay < b->delay : a->seq < b->seq;
    });
    run(*it);
  }

  void run(std::shared_ptr<ScenarioThread> t) {
    pending_.erase(std::find(pending_.begin(), pending_.end(), t));
    ScenarioThread* raw = t.get();
    std::thread helper([raw] {
      set_state(*raw, ScenarioThread::State::running);
      raw->body();
      set_state(*raw, ScenarioThread::State::done);
    });
    helper.join();
  }

  aio::sim::World world_;
  std::vector<std::shared_ptr<ScenarioThread>> pending_;
};

}  // namespace

std::shared_ptr<ScenarioThread> Host::make_thread(std::string id, double delay, std::function<void()> body) {
  auto t = std::make_shared<ScenarioThread>();
  t->id = std::move(id);
  t->delay = delay;
  t->seq = next_seq_++;
  t->body = std::move(body);
  return t;
}

std::unique_ptr<Host> make_host(const AdapterOptions& options) {
  if (options.backend == Backend::native) return std::make_unique<NativeHost>();
  return std::make_unique<SimHost>(options.seed, options.chaos);
}

}  // namespace loopcheck::aio_adapter
