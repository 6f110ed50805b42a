#pragma once
// SelectSelector: a real Selector on select(2), Python's selectors.SelectSelector. Part of the
// real backend: the only kind of code allowed to call the kernel. Holds no loop logic and no
// kernel headers; see aio/selector.h for the contract.
//
// Beyond the contract: fds must be below FD_SETSIZE (1024). register_fd throws
// ValueError("filedescriptor out of range in select()") for larger ones, where CPython accepts
// them and raises the same error from select(). Registering makes no kernel call; a closed
// registered fd makes select() throw OSError (EBADF), as in CPython. select() reports fds in
// ascending fd order, retries after EINTR with the remaining time (PEP 475), and rounds a
// timeout up to whole microseconds. After close(), every call but close(), size() (0), name()
// and wakeup() (a no-op) throws RuntimeError("SelectSelector is closed").

#include <memory>

#include "aio/selector.h"

namespace aio {

class SelectSelector final : public Selector {
 public:
  // Opens the wake-up eventfd. Throws OSError, or ValueError if it lands at FD_SETSIZE or above.
  SelectSelector();
  ~SelectSelector() override;
  SelectSelector(const SelectSelector&) = delete;
  SelectSelector& operator=(const SelectSelector&) = delete;

  std::string_view name() const override { return "SelectSelector"; }
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
