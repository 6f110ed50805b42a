// make_selector and real_seams: selectors by name, the shared clock and Os.
#include "aio/real_seams.h"

#include <gtest/gtest.h>

#include "aio/errors.h"
#include "real_test_support.h"

namespace aio::testing {
namespace {

class RealSeamsTest : public FdLeakTest {};

TEST_F(RealSeamsTest, MakeSelectorByName) {
  EXPECT_EQ(make_selector()->name(), "EpollSelector");
  EXPECT_EQ(make_selector("epoll")->name(), "EpollSelector");
  EXPECT_EQ(make_selector("poll")->name(), "PollSelector");
  EXPECT_EQ(make_selector("select")->name(), "SelectSelector");
}

TEST_F(RealSeamsTest, UnknownSelectorNameIsValueErrorListingTheChoices) {
  EXPECT_EQ(thrown_message<ValueError>([] { make_selector("kqueue"); }),
            "unknown selector 'kqueue': expected 'epoll', 'poll' or 'select'");
  EXPECT_THROW(real_seams("EpollSelector"), ValueError);
}

TEST_F(RealSeamsTest, RealSeamsShareClockAndOsButNotTheSelector) {
  Seams one = real_seams();
  Seams two = real_seams("poll");
  ASSERT_TRUE(one.clock && one.selector && one.os);
  EXPECT_EQ(one.selector->name(), "EpollSelector");
  EXPECT_EQ(two.selector->name(), "PollSelector");
  EXPECT_EQ(one.clock, two.clock);
  EXPECT_EQ(one.os, two.os);
  EXPECT_NE(one.selector, two.selector);
  EXPECT_GT(one.clock->now(), 0.0);
}

}  // namespace
}  // namespace aio::testing
