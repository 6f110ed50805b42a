// The timer heap on its own: order and lazy cancellation bookkeeping.
#include "aio/detail/timer_queue.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "aio/handle.h"

namespace aio::detail {
namespace {

TimerState* timer(double when) {
  TimerState* s = as_timer(make_handle(HandleKind::timer, false, false, Location{}, [] {}));
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
    EXPECT_FALSE(t->h.scheduled);
    if (t->when == last_when) {
      EXPECT_GT(seq_of[t], last_seq);
    }
    EXPECT_GE(t->when, last_when);
    last_when = t->when;
    last_seq = seq_of[t];
    release(&t->h);
  }
}

TEST(TimerQueue, RemoveCancelledPopsHeadsOrRebuilds) {
  TimerQueue q;
  std::vector<TimerState*> all;
  for (std::uint64_t i = 0; i < 200; ++i) {
    all.push_back(timer(static_cast<double>(i)));
    all.back()->h.refs = 2;
    q.push(all.back(), i);
  }
  for (int i = 0; i < 3; ++i) {  // three cancelled heads
    all[i]->h.cancelled = true;
    q.on_cancelled();
  }
  q.remove_cancelled();
  EXPECT_EQ(q.size(), 197u);
  EXPECT_EQ(q.cancelled_count(), 0u);
  for (int i = 100; i < 200; ++i) {  // 100 of 197: more than half
    all[i]->h.cancelled = true;
    q.on_cancelled();
  }
  q.remove_cancelled();
  EXPECT_EQ(q.size(), 97u);
  EXPECT_EQ(q.top_when(), 3.0);
  q.clear();
  for (TimerState* s : all) {
    EXPECT_FALSE(s->h.scheduled);
    release(&s->h);
  }
}

// Against a reference order, with a sort threshold small enough that bursts go through the
// sorted run and merge with it, while pushes and pops interleave. Whens are drawn from a few
// values (many ties), from a wide range (sort words drop bits), and include -0.0 and 0.0.
// The k-th push gets sequence number seq_of(k).
void check_against_reference(std::uint64_t (*seq_of)(std::uint64_t)) {
  std::mt19937_64 rng(11);
  TimerQueue q(8);
  std::set<std::tuple<double, std::uint64_t, TimerState*>> reference;  // (when, seq, timer)
  std::uint64_t pushed = 0;
  auto draw = [&rng](int kind) {
    switch (kind) {
      case 0:
        return static_cast<double>(rng() % 4);
      case 1:
        return static_cast<double>(rng() % 1'000'000) * 1e-3 + 1e4;
      default:
        return rng() % 2 == 0 ? -0.0 : 0.0;
    }
  };
  for (int round = 0; round < 200; ++round) {
    const std::size_t pushes = rng() % 300;
    for (std::size_t i = 0; i < pushes; ++i) {
      TimerState* t = timer(draw(static_cast<int>(rng() % 3)));
      const std::uint64_t seq = seq_of(pushed++);
      reference.emplace(t->when == 0.0 ? 0.0 : t->when, seq, t);
      q.push(t, seq);
    }
    const std::size_t pops = rng() % 300;
    for (std::size_t i = 0; i < pops && !q.empty(); ++i) {
      ASSERT_EQ(q.top_when(), std::get<0>(*reference.begin()));
      TimerState* t = q.pop();
      ASSERT_EQ(t, std::get<2>(*reference.begin())) << "round " << round;
      reference.erase(reference.begin());
      release(&t->h);
    }
    ASSERT_EQ(q.size(), reference.size());
  }
  q.clear();
}

TEST(TimerQueue, HeapAndSortedRunPopInTheSameOrderAsAReference) {
  check_against_reference([](std::uint64_t k) { return k; });
}

// Chaos mode's sequence numbers (Clock::equal_time_order): spread over all 64 bits, in no
// particular order; the queue orders them as it does plain ones.
TEST(TimerQueue, PermutedSequencesPopInReferenceOrderToo) {
  check_against_reference([](std::uint64_t k) { return TimerQueue::permuted_seq(k, 0x9e3779b97f4a7c15ULL); });
  check_against_reference([](std::uint64_t k) { return TimerQueue::permuted_seq(k, 1); });
}

TEST(TimerQueue, PermutedSeqIsABijectionThatDependsOnTheKey) {
  std::set<std::uint64_t> seen;
  bool key_matters = false;
  for (std::uint64_t k = 0; k < 100'000; ++k) {
    seen.insert(TimerQueue::permuted_seq(k, 12345));
    key_matters = key_matters || TimerQueue::permuted_seq(k, 12345) != TimerQueue::permuted_seq(k, 54321);
  }
  EXPECT_EQ(seen.size(), 100'000u);
  EXPECT_TRUE(key_matters);
  // Consecutive sequence numbers do not stay in order: ties really are permuted.
  int inversions = 0;
  for (std::uint64_t k = 0; k + 1 < 1000; ++k)
    inversions += TimerQueue::permuted_seq(k, 7) > TimerQueue::permuted_seq(k + 1, 7);
  EXPECT_GT(inversions, 300);
  EXPECT_LT(inversions, 700);
}

// The count of cancelled timers stays exact however they leave: as the head (CAN-06), by a
// rebuild (CAN-07), when they come due behind a live head (CPython forgets to count those
// down), or when a big burst is about to be sorted and a quarter of the queue is cancelled.
TEST(TimerQueue, CancelledCountStaysExactWhicheverWayTimersLeave) {
  TimerQueue q(16);
  std::vector<TimerState*> all;
  auto push = [&](double when) {
    all.push_back(timer(when));
    all.back()->h.refs = 2;  // one for `all`
    q.push(all.back(), all.size());
  };
  auto cancel = [&](TimerState* t) {
    t->h.cancelled = true;
    if (t->h.scheduled) q.on_cancelled();
  };
  push(1.0);                          // live
  for (int i = 0; i < 5; ++i) push(2.0);  // cancelled, due after the live head
  for (int i = 1; i <= 5; ++i) cancel(all[static_cast<std::size_t>(i)]);
  q.remove_cancelled();
  EXPECT_EQ(q.cancelled_count(), 5u);
  while (!q.empty()) release(&q.pop()->h);  // as _run_once phase 5 pops due timers
  EXPECT_EQ(q.cancelled_count(), 0u);

  // A burst of 100 (the sort threshold is 16) with 30 cancelled: dropped before sorting.
  const std::size_t base = all.size();
  for (int i = 0; i < 100; ++i) push(3.0 + i);
  for (int i = 0; i < 30; ++i) cancel(all[base + static_cast<std::size_t>(i) * 3]);
  EXPECT_EQ(q.size(), 100u);
  EXPECT_EQ(q.top_when(), 4.0);  // 3.0 was cancelled
  EXPECT_EQ(q.size(), 70u);
  EXPECT_EQ(q.cancelled_count(), 0u);
  q.clear();
  for (TimerState* t : all) {
    EXPECT_FALSE(t->h.scheduled);
    release(&t->h);
  }
}

}  // namespace
}  // namespace aio::detail
