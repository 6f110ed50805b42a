// Chaos mode (WorldOptions::chaos) with a real EventLoop on top: what the docs leave undefined
// moves per seed (equal-time timers, U-01; the order of simultaneously ready fds), what they
// define never does (different `when`s, call_soon FIFO ORD-01, reader before writer ORD-17,
// one batch per iteration ORD-03), and a seed always gives the same order.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "aio/event_loop.h"
#include "aio/sim/world.h"
#include "sim_test_support.h"

namespace aio::sim {
namespace {

constexpr WorldOptions kChaos{.chaos = true};

// The order in which `n` timers all due at t=1.0 run.
std::vector<int> equal_time_order(std::uint64_t seed, WorldOptions options, int n = 8) {
  World world(seed, options);
  EventLoop loop(world.seams());
  std::vector<int> order;
  for (int i = 0; i < n; ++i) loop.call_at(1.0, [&order, i] { order.push_back(i); });
  loop.call_at(2.0, [&loop] { loop.stop(); });
  loop.run_forever();
  loop.close();
  return order;
}

std::vector<int> iota(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i;
  return v;
}

TEST(Chaos, U01_EqualTimeTimersArePermutedPerSeed) {
  std::set<std::vector<int>> orders;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::vector<int> order = equal_time_order(seed, kChaos);
    std::vector<int> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(sorted, iota(8)) << "seed " << seed << ": every timer runs exactly once";
    orders.insert(order);
  }
  EXPECT_GT(orders.size(), 15u) << "20 seeds should give (nearly) 20 different orders of 8 timers";
  EXPECT_FALSE(orders.count(iota(8)) && orders.size() == 1);
}

TEST(Chaos, U01_WithoutChaosEqualTimeTimersRunFifo) {
  for (std::uint64_t seed : {1u, 2u, 3u}) EXPECT_EQ(equal_time_order(seed, {}), iota(8));
}

TEST(Chaos, SameSeedSameOrderAndFingerprint) {
  for (std::uint64_t seed : {4u, 5u}) {
    EXPECT_EQ(equal_time_order(seed, kChaos, 12), equal_time_order(seed, kChaos, 12));
  }
  World one(9, kChaos), two(9, kChaos);
  EXPECT_TRUE(one.chaos());
  EXPECT_FALSE(World(9).chaos());
  EXPECT_EQ(one.clock().equal_time_order(), two.clock().equal_time_order());
  EXPECT_NE(one.clock().equal_time_order(), 0u);
  EXPECT_EQ(World(9).clock().equal_time_order(), 0u);
}

TEST(Chaos, ChaosDrawsFromItsOwnStreams) {
  // Turning chaos on does not shift any other labelled stream of the seed.
  EXPECT_EQ(World(3, kChaos).random("latency").next_u64(), World(3).random("latency").next_u64());
}

// Timers in groups of equal `when`, scheduled in a shuffled order, some from callbacks: they
// come out sorted by `when` on every seed; only the order inside a group moves.
TEST(Chaos, ORD06_DifferentWhensAreNeverReordered) {
  bool some_group_moved = false;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    World world(seed, kChaos);
    EventLoop loop(world.seams());
    Random random = world.random("test");
    std::vector<std::pair<double, int>> ran;  // (when, scheduling index)
    for (int i = 0; i < 60; ++i) {
      const double when = 0.25 * static_cast<double>(random.uniform_int(1, 8));
      loop.call_at(when, [&ran, &loop, when, i] {
        ran.emplace_back(loop.time(), i);
        EXPECT_EQ(loop.time(), when);
      });
    }
    loop.call_at(0.1, [&] {
      for (int i = 60; i < 80; ++i)
        loop.call_at(0.5, [&ran, &loop, i] { ran.emplace_back(loop.time(), i); });
    });
    loop.call_at(5.0, [&loop] { loop.stop(); });
    loop.run_forever();
    loop.close();
    ASSERT_EQ(ran.size(), 80u);
    for (std::size_t k = 1; k < ran.size(); ++k) {
      ASSERT_LE(ran[k - 1].first, ran[k].first) << "seed " << seed;
      some_group_moved = some_group_moved ||
                         (ran[k - 1].first == ran[k].first && ran[k - 1].second > ran[k].second);
    }
  }
  EXPECT_TRUE(some_group_moved);
}

TEST(Chaos, ORD01_CallSoonStaysFifoAndBatchesStay_ORD03) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    World world(seed, kChaos);
    EventLoop loop(world.seams());
    std::vector<std::string> order;
    for (int i = 0; i < 30; ++i) {
      loop.call_soon([&order, &loop, i] {
        order.push_back("soon" + std::to_string(i));
        // Scheduled during the batch: runs in the next iteration, after the whole batch.
        if (i == 0) loop.call_soon([&order] { order.push_back("next"); });
      });
      loop.call_at(0.0, [&order, i] { order.push_back("timer" + std::to_string(i)); });
    }
    loop.call_at(1.0, [&loop] { loop.stop(); });
    loop.run_forever();
    loop.close();
    std::vector<std::string> soon;
    for (const auto& s : order)
      if (s.rfind("soon", 0) == 0) soon.push_back(s);
    ASSERT_EQ(soon.size(), 30u);
    for (int i = 0; i < 30; ++i)
      EXPECT_EQ(soon[static_cast<std::size_t>(i)], "soon" + std::to_string(i));
    // The first iteration runs the 30 call_soon handles, then the due timers (ORD-05); the
    // callback scheduled meanwhile waits for the next iteration.
    EXPECT_EQ(order[29], "soon29");
    EXPECT_EQ(order[30].rfind("timer", 0), 0u);
    EXPECT_EQ(order[60], "next");
  }
}

// Five times, a world event writes to four pipes in the order 3, 2, 1, 0 while the loop waits,
// so all four are ready at once: without chaos they are reported in that order (ORD-18,
// epoll's ready list); with chaos the order differs from it for some seed, is a permutation
// of the same fds, and is fixed by the seed. Each entry is one round's reader order.
std::vector<std::vector<int>> ready_orders(std::uint64_t seed, WorldOptions options) {
  World world(seed, options);
  EventLoop loop(world.seams());
  std::vector<std::pair<int, int>> pipes;
  for (int i = 0; i < 4; ++i) pipes.push_back(world.os().pipe());
  std::vector<std::vector<int>> rounds(5);
  int round = 0;
  for (int i = 0; i < 4; ++i) {
    const int r = pipes[static_cast<std::size_t>(i)].first;
    loop.add_reader(r, [&, r, i] {
      testing::read_text(world.os(), r, 16);
      rounds[static_cast<std::size_t>(round)].push_back(i);
    });
  }
  for (int k = 0; k < 5; ++k) {
    world.call_at(0.5 + k, [&, k] {
      round = k;
      for (int i = 3; i >= 0; --i)
        testing::write_text(world.os(), pipes[static_cast<std::size_t>(i)].second, "x");
    });
  }
  loop.call_later(6.0, [&loop] { loop.stop(); });
  loop.run_forever();
  for (auto [r, w] : pipes) {
    loop.remove_reader(r);
    world.os().close(r);
    world.os().close(w);
  }
  loop.close();
  return rounds;
}

TEST(Chaos, ReadyFdsComeInAPerSeedOrder) {
  for (const auto& round : ready_orders(1, {})) EXPECT_EQ(round, (std::vector<int>{3, 2, 1, 0}));
  bool moved = false;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto rounds = ready_orders(seed, kChaos);
    EXPECT_EQ(rounds, ready_orders(seed, kChaos)) << "seed " << seed;
    for (auto round : rounds) {
      moved = moved || round != std::vector<int>{3, 2, 1, 0};
      std::sort(round.begin(), round.end());
      EXPECT_EQ(round, (std::vector<int>{0, 1, 2, 3})) << "seed " << seed;
    }
  }
  EXPECT_TRUE(moved);
}

TEST(Chaos, ORD17_ReaderStillRunsBeforeWriterOnOneFd) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    World world(seed, kChaos);
    EventLoop loop(world.seams());
    auto [a, b] = world.os().socketpair();
    testing::write_text(world.os(), b, "data");  // a: readable and writable
    std::string order;
    loop.add_reader(a, [&order] { order += 'R'; });
    loop.add_writer(a, [&order] { order += 'W'; });
    loop.call_soon([&loop] { loop.call_soon([&loop] { loop.stop(); }); });
    loop.run_forever();
    EXPECT_EQ(order.substr(0, 2), "RW") << "seed " << seed;
    loop.remove_reader(a);
    loop.remove_writer(a);
    loop.close();
    world.os().close(a);
    world.os().close(b);
  }
}

}  // namespace
}  // namespace aio::sim
