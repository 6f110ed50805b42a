// close and what a closed loop still allows (CLS-01..03, CLS-06..08).
#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class B>
class CloseTest : public LoopTest<B> {};
TYPED_TEST_SUITE(CloseTest, AllBackends, BackendNames);

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

TYPED_TEST(CloseTest, CLS01_CloseWhileRunningRaises) {
  std::string error;
  this->loop->call_soon([&] {
    error = error_of([&] { this->loop->close(); });
    this->loop->stop();
  });
  this->loop->run_forever();
  EXPECT_EQ(error, "Cannot close a running event loop");
  EXPECT_FALSE(this->loop->is_closed());
}

TYPED_TEST(CloseTest, CLS02_CloseIsIdempotentAndFinal) {
  this->loop->close();
  EXPECT_TRUE(this->loop->is_closed());
  EXPECT_NO_THROW(this->loop->close());
  EXPECT_TRUE(this->loop->is_closed());
  EXPECT_EQ(error_of([&] { this->loop->run_forever(); }), "Event loop is closed");
}

TYPED_TEST(CloseTest, CLS03_CloseDiscardsPendingCallbacksWithoutCancellingThem) {
  bool ran = false;
  Handle soon = this->loop->call_soon([&] { ran = true; });
  TimerHandle later = this->loop->call_later(1, [&] { ran = true; });
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  this->loop->add_reader(r, [&] { ran = true; });
  this->loop->close();
  EXPECT_FALSE(soon.cancelled());
  EXPECT_FALSE(later.cancelled());
  EXPECT_EQ(this->loop->ready_count(), 0u);
  EXPECT_EQ(this->loop->scheduled_count(), 0u);
  EXPECT_EQ(this->loop->selector().size(), 0u);
  EXPECT_FALSE(ran);
  later.cancel();  // safe after close: the timer left the heap
  EXPECT_TRUE(later.cancelled());
  EXPECT_EQ(this->loop->timer_cancelled_count(), 0u);
  this->close_pipes();
}

TYPED_TEST(CloseTest, CLS06_SchedulingOnAClosedLoopRaises) {
  this->loop->close();
  const std::string closed = "Event loop is closed";
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  EXPECT_EQ(error_of([&] { this->loop->run_forever(); }), closed);
  EXPECT_EQ(error_of([&] { this->loop->call_soon([] {}); }), closed);
  EXPECT_EQ(error_of([&] { this->loop->call_soon_threadsafe([] {}); }), closed);
  EXPECT_EQ(error_of([&] { this->loop->call_later(1, [] {}); }), closed);
  EXPECT_EQ(error_of([&] { this->loop->call_at(1, [] {}); }), closed);
  EXPECT_EQ(error_of([&] { this->loop->add_reader(r, [] {}); }), closed);
  EXPECT_EQ(error_of([&] { this->loop->add_writer(w, [] {}); }), closed);
  this->close_pipes();
}

TYPED_TEST(CloseTest, CLS07_WhatAClosedLoopStillAllows) {
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  this->loop->close();
  EXPECT_NO_THROW(this->loop->stop());
  EXPECT_NO_THROW(this->loop->time());
  EXPECT_FALSE(this->loop->is_running());
  EXPECT_TRUE(this->loop->is_closed());
  this->loop->set_debug(true);
  EXPECT_TRUE(this->loop->get_debug());
  EXPECT_FALSE(this->loop->remove_reader(r));
  EXPECT_FALSE(this->loop->remove_writer(w));
  this->close_pipes();
}

TYPED_TEST(CloseTest, CLS08_ArgumentChecksComeBeforeTheClosedCheck) {
  this->loop->close();
  EXPECT_EQ(error_of([&] { this->loop->call_later(std::nullopt, [] {}); }),
            "delay must not be None");
  EXPECT_EQ(error_of([&] { this->loop->call_at(std::nullopt, [] {}); }), "when cannot be None");
  EXPECT_THROW(this->loop->call_later(std::nullopt, [] {}), TypeError);
  EXPECT_THROW(this->loop->call_at(std::nullopt, [] {}), TypeError);
}

TYPED_TEST(CloseTest, CLS08_NoneDelayRaisesTypeErrorOnAnOpenLoopToo) {
  EXPECT_THROW(this->loop->call_later(std::nullopt, [] {}), TypeError);
  EXPECT_EQ(this->loop->scheduled_count(), 0u);
}

}  // namespace
}  // namespace aio::testing
