#pragma once
// A Selector decorator for tests: forwards to a real or simulated selector and records the
// timeout of every select() call, so tests can check the loop's timeout rule (ORD-11), and
// counts wake-ups (THR-03).

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "aio/selector.h"

namespace aio::testing {

class RecordingSelector final : public Selector {
 public:
  explicit RecordingSelector(std::shared_ptr<Selector> inner) : inner_(std::move(inner)) {}
  std::string_view name() const override { return inner_->name(); }
  void register_fd(int fd, std::uint32_t events) override { inner_->register_fd(fd, events); }
  void modify(int fd, std::uint32_t events) override { inner_->modify(fd, events); }
  void unregister(int fd) override { inner_->unregister(fd); }
  void select_seconds(double timeout, std::vector<SelectorEvent>& ready) override {
    timeouts.push_back(timeout == kBlock ? std::nullopt : std::optional<double>(timeout));
    inner_->select_seconds(timeout, ready);
  }
  void wakeup() override {
    wakeups.fetch_add(1, std::memory_order_relaxed);
    inner_->wakeup();
  }
  std::size_t size() const override { return inner_->size(); }
  void close() override { inner_->close(); }

  std::vector<std::optional<double>> timeouts;
  std::atomic<int> wakeups{0};

 private:
  std::shared_ptr<Selector> inner_;
};

}  // namespace aio::testing
