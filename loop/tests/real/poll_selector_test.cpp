// PollSelector beyond the shared contract tests: registering makes no kernel call, so a closed
// fd is accepted and then reported through POLLNVAL, as CPython's PollSelector does.
#include "aio/poll_selector.h"

#include <gtest/gtest.h>

#include <vector>

#include "real_test_support.h"

namespace aio::testing {
namespace {

class PollSelectorTest : public FdLeakTest {};

TEST_F(PollSelectorTest, ClosedFdIsAcceptedAndReportedForItsRegisteredEvents) {
  PollSelector sel;
  FdPair p = make_pipe(os_);
  const int r = p.a.get();
  p.a.reset();
  sel.register_fd(r, EVENT_READ);
  std::vector<SelectorEvent> ready;
  sel.select(0, ready);
  EXPECT_EQ(ready, (std::vector<SelectorEvent>{{r, EVENT_READ}}));
  sel.unregister(r);
}

TEST_F(PollSelectorTest, ModifyKeepsAnFdsPlaceInTheOrder) {
  PollSelector sel;
  FdPair first = make_socketpair(os_);
  FdPair second = make_socketpair(os_);
  sel.register_fd(first.a.get(), EVENT_READ);
  sel.register_fd(second.a.get(), EVENT_WRITE);
  sel.modify(first.a.get(), EVENT_WRITE);
  std::vector<SelectorEvent> ready;
  sel.select(0, ready);
  EXPECT_EQ(ready, (std::vector<SelectorEvent>{{first.a.get(), EVENT_WRITE},
                                               {second.a.get(), EVENT_WRITE}}));
}

}  // namespace
}  // namespace aio::testing
