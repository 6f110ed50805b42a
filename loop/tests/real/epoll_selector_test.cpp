// EpollSelector beyond the shared contract tests: errors epoll_ctl reports, and that a
// failed kernel call leaves the selector's bookkeeping as CPython leaves it.
#include "aio/epoll_selector.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "aio/errors.h"
#include "real_test_support.h"

namespace aio::testing {
namespace {

class EpollSelectorTest : public FdLeakTest {};

// A regular file in /tmp, already unlinked.
UniqueFd open_regular_file() {
  char path[] = "/tmp/aio_epoll_test_XXXXXX";
  UniqueFd fd(::mkstemp(path));
  ::unlink(path);
  return fd;
}

TEST_F(EpollSelectorTest, RegularFileIsEpermAndLeavesNothingRegistered) {
  EpollSelector sel;
  UniqueFd file = open_regular_file();
  ASSERT_GE(file.get(), 0);
  try {
    sel.register_fd(file.get(), EVENT_READ);
    FAIL() << "no OSError";
  } catch (const OSError& e) {
    EXPECT_EQ(e.error_number(), EPERM);
    EXPECT_STREQ(e.what(), "[Errno 1] Operation not permitted");
  }
  EXPECT_EQ(sel.size(), 0u);
  // Not half-registered: trying again is the same kernel error, not a KeyError.
  EXPECT_THROW(sel.register_fd(file.get(), EVENT_READ), OSError);
}

TEST_F(EpollSelectorTest, ClosedFdIsEbadfAndLeavesNothingRegistered) {
  EpollSelector sel;
  FdPair p = make_pipe(os_);
  const int r = p.a.get();
  p.a.reset();
  try {
    sel.register_fd(r, EVENT_READ);
    FAIL() << "no OSError";
  } catch (const OSError& e) {
    EXPECT_EQ(e.error_number(), EBADF);
    EXPECT_STREQ(e.what(), "[Errno 9] Bad file descriptor");
  }
  EXPECT_EQ(sel.size(), 0u);
}

// As _PollLikeSelector.modify: when the kernel refuses, the fd is forgotten and the error
// raised.
TEST_F(EpollSelectorTest, ModifyOfAnFdClosedMeanwhileForgetsItAndThrows) {
  EpollSelector sel;
  FdPair p = make_pipe(os_);
  const int r = p.a.get();
  sel.register_fd(r, EVENT_READ);
  p.a.reset();
  try {
    sel.modify(r, EVENT_WRITE);
    FAIL() << "no OSError";
  } catch (const OSError& e) {
    EXPECT_EQ(e.error_number(), EBADF);
  }
  EXPECT_EQ(sel.size(), 0u);
  EXPECT_THROW(sel.unregister(r), KeyError);
}

TEST_F(EpollSelectorTest, ManyReadyFdsAreAllReportedInOneSelect) {
  EpollSelector sel;
  std::vector<FdPair> pipes;
  for (int i = 0; i < 20; ++i) {
    pipes.push_back(make_pipe(os_));
    sel.register_fd(pipes.back().b.get(), EVENT_WRITE);
  }
  sel.wakeup();
  std::vector<SelectorEvent> ready;
  sel.select(0, ready);
  EXPECT_EQ(ready.size(), 20u);
}

}  // namespace
}  // namespace aio::testing
