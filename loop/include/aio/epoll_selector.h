#pragma once
// EpollSelector: the default real Selector, Python's selectors.EpollSelector on Linux epoll
// (level-triggered). Part of the real backend: the only kind of code allowed to call the
// kernel. Holds no loop logic and no kernel headers; see aio/selector.h for the contract.
//
// Beyond the contract: register_fd throws OSError from epoll_ctl (EPERM for a regular file,
// EBADF for a closed fd) and then leaves the selector unchanged; modify that fails in the
// kernel forgets the fd and throws OSError, as CPython does; unregister of an fd that was
// closed meanwhile only forgets it. select() reports fds in the order epoll_wait returned them
// (readiness order), retries after EINTR with the remaining time (PEP 475), and rounds a
// timeout up to whole milliseconds as CPython does. After close(), every call but close(),
// size() (0), name() and wakeup() (a no-op) throws RuntimeError("EpollSelector is closed").

#include <memory>

#include "aio/selector.h"

namespace aio {

class EpollSelector final : public Selector {
 public:
  // Opens the epoll fd and the wake-up eventfd. Throws OSError.
  EpollSelector();
  ~EpollSelector() override;
  EpollSelector(const EpollSelector&) = delete;
  EpollSelector& operator=(const EpollSelector&) = delete;

  std::string_view name() const override { return "EpollSelector"; }
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
