// The timer heap on its own: order and lazy cancellation bookkeeping.
#include "aio/detail/timer_queue.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "aio/handle.h"

namespace aio::detail {
namespace {

TimerState* timer(double when) {
  TimerState* s = as_timer(allocate_handle(HandleKind::timer, false));
  s->when = when;
  return s;
}

TEST(TimerQueue, PopsInWhenThenSequenceOrder) {
  TimerQueue q;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> when(0, 50);
  std::vector<std::pair<double, std::uint64_t>> order;  // (when, seq) per timer
  std::map<TimerState*, std::uint64_t> seq_of;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    TimerState* t = timer(when(rng));
    seq_of[t] = i;
    q.push(t, i);
  }
  double last_when = -1;
  std::uint64_t last_seq = 0;
  while (!q.empty()) {
    TimerState* t = q.pop();
    EXPECT_FALSE(t->scheduled);
    if (t->when == last_when) {
      EXPECT_GT(seq_of[t], last_seq);
    }
    EXPECT_GE(t->when, last_when);
    last_when = t->when;
    last_seq = seq_of[t];
    release(t);
  }
}

TEST(TimerQueue, RemoveCancelledPopsHeadsOrRebuilds) {
  TimerQueue q;
  std::vector<TimerState*> all;
  for (std::uint64_t i = 0; i < 200; ++i) {
    all.push_back(timer(static_cast<double>(i)));
    all.back()->refs = 2;
    q.push(all.back(), i);
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
  for (TimerState* s : all) {
    EXPECT_FALSE(s->scheduled);
    release(s);
  }
}

}  // namespace
}  // namespace aio::detail
