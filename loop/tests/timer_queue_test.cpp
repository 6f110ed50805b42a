// The timer heap on its own: order and lazy cancellation bookkeeping.
#include "aio/detail/timer_queue.h"

#include <gtest/gtest.h>

#include <random>

#include "aio/handle.h"

namespace aio::detail {
namespace {

HandleState* timer(double when, std::uint64_t seq) {
  HandleState* s = allocate_handle();
  s->kind = HandleKind::timer;
  s->when = when;
  s->seq = seq;
  return s;
}

TEST(TimerQueue, PopsInWhenThenSequenceOrder) {
  TimerQueue q;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> when(0, 50);
  for (std::uint64_t i = 0; i < 1000; ++i) q.push(timer(when(rng), i));
  double last_when = -1;
  std::uint64_t last_seq = 0;
  while (!q.empty()) {
    HandleState* t = q.pop();
    EXPECT_FALSE(t->scheduled);
    if (t->when == last_when) {
      EXPECT_GT(t->seq, last_seq);
    }
    EXPECT_GE(t->when, last_when);
    last_when = t->when;
    last_seq = t->seq;
    release(t);
  }
}

TEST(TimerQueue, RemoveCancelledPopsHeadsOrRebuilds) {
  TimerQueue q;
  std::vector<HandleState*> all;
  for (std::uint64_t i = 0; i < 200; ++i) {
    all.push_back(timer(static_cast<double>(i), i));
    all.back()->refs = 2;
    q.push(all.back());
  }
  for (int i = 0; i < 3; ++i) {  // three cancelled heads
    all[i]->cancelled = true;
    q.on_cancelled();
  }
  q.remove_cancelled();
  EXPECT_EQ(q.size(), 197u);
  EXPECT_EQ(q.cancelled_count(), 0u);
  for (int i = 100; i < 200; ++i) {  // 100 of 197: more than half
    all[i]->cancelled = true;
    q.on_cancelled();
  }
  q.remove_cancelled();
  EXPECT_EQ(q.size(), 97u);
  EXPECT_EQ(q.top_when(), 3.0);
  q.clear();
  for (HandleState* s : all) {
    EXPECT_FALSE(s->scheduled);
    release(s);
  }
}

}  // namespace
}  // namespace aio::detail
