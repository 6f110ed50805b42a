#pragma once
// PollSelector: a real Selector on poll(2), Python's selectors.PollSelector. Part of the real
// backend: the only kind of code allowed to call the kernel. Holds no loop logic and no kernel
// headers; see aio/selector.h for the contract.
//
// Beyond the contract: registering makes no kernel call, so a closed fd is accepted and later
// shows as ready for everything it was registered for (POLLNVAL), as in CPython. select()
// reports fds in registration order (poll's array order; modify keeps an fd's place), retries
// after EINTR with the remaining time (PEP 475), and rounds a timeout up to whole
// milliseconds. After close(), every call but close(), size() (0), name() and wakeup() (a
// no-op) throws RuntimeError("PollSelector is closed").

#include <memory>

#include "aio/selector.h"

namespace aio {

class PollSelector final : public Selector {
 public:
  // Opens the wake-up eventfd. Throws OSError.
  PollSelector();
  ~PollSelector() override;
  PollSelector(const PollSelector&) = delete;
  PollSelector& operator=(const PollSelector&) = delete;

  std::string_view name() const override { return "PollSelector"; }
  void register_fd(int fd, std::uint32_t events) override;
  void modify(int fd, std::uint32_t events) override;
  void unregister(int fd) override;
  void select_seconds(double timeout, std::vector<SelectorEvent>& ready) override;
  void wakeup() override;
  std::size_t size() const override;
  void close() override;

 private:
  struct State;
  std::unique_ptr<State> state_;  // set in the constructor, never replaced
};

}  // namespace aio
