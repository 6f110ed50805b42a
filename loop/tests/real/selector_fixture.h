#pragma once
// The fixture the selector tests share: one test body, typed over EpollSelector, PollSelector
// and SelectSelector, each run ending with the fd-leak check. Tests only.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "aio/epoll_selector.h"
#include "aio/poll_selector.h"
#include "aio/select_selector.h"
#include "real_test_support.h"

namespace aio::testing {

template <class S>
class SelectorTest : public FdLeakTest {
 protected:
  void SetUp() override {
    FdLeakTest::SetUp();
    selector_ = std::make_unique<S>();
  }
  void TearDown() override {
    selector_.reset();
    FdLeakTest::TearDown();
  }

  S& selector() { return *selector_; }
  std::vector<SelectorEvent> select(std::optional<double> timeout) {
    std::vector<SelectorEvent> ready;
    selector_->select(timeout, ready);
    return ready;
  }

  std::unique_ptr<S> selector_;
};

using RealSelectors = ::testing::Types<EpollSelector, PollSelector, SelectSelector>;

struct RealSelectorNames {
  template <class S>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<S, EpollSelector>) return "Epoll";
    if constexpr (std::is_same_v<S, PollSelector>) return "Poll";
    if constexpr (std::is_same_v<S, SelectSelector>) return "Select";
    return "Unknown";
  }
};

}  // namespace aio::testing
