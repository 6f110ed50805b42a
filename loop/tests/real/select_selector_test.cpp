// SelectSelector beyond the shared contract tests: the FD_SETSIZE limit and closed fds.
#include "aio/select_selector.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/select.h>

#include <cerrno>
#include <vector>

#include "aio/errors.h"
#include "real_test_support.h"

namespace aio::testing {
namespace {

class SelectSelectorTest : public FdLeakTest {};

TEST_F(SelectSelectorTest, FdAtOrAboveFdSetsizeIsValueErrorWithCPythonText) {
  SelectSelector sel;
  EXPECT_EQ(thrown_message<ValueError>([&] { sel.register_fd(FD_SETSIZE, EVENT_READ); }),
            "filedescriptor out of range in select()");
  FdPair p = make_pipe(os_);
  UniqueFd high(::fcntl(p.a.get(), F_DUPFD_CLOEXEC, FD_SETSIZE + 100));
  if (high.get() < 0) GTEST_SKIP() << "RLIMIT_NOFILE too low for an fd above FD_SETSIZE";
  EXPECT_EQ(thrown_message<ValueError>([&] { sel.register_fd(high.get(), EVENT_READ); }),
            "filedescriptor out of range in select()");
  EXPECT_EQ(sel.size(), 0u);
}

TEST_F(SelectSelectorTest, RegisteredFdClosedMeanwhileMakesSelectRaiseEbadf) {
  SelectSelector sel;
  FdPair p = make_pipe(os_);
  const int r = p.a.get();
  sel.register_fd(r, EVENT_READ);
  p.a.reset();
  std::vector<SelectorEvent> ready;
  try {
    sel.select(0, ready);
    FAIL() << "no OSError";
  } catch (const OSError& e) {
    EXPECT_EQ(e.error_number(), EBADF);
  }
  sel.unregister(r);
  EXPECT_NO_THROW(sel.select(0, ready));
}

}  // namespace
}  // namespace aio::testing
