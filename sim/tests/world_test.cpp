// World: seams and their lifetime, the schedule, the trace and its fingerprint, the
// environment, and replay of a small scripted run from its seed.
#include "aio/sim/world.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "aio/errors.h"
#include "aio/sim/hash.h"
#include "sim_test_support.h"

namespace aio::sim {
namespace {

using testing::read_text;
using testing::write_text;

using WorldBasics = testing::WorldTest;

TEST_F(WorldBasics, SeedClockAndOs) {
  EXPECT_EQ(world.seed(), 42u);
  EXPECT_EQ(world.now(), 0.0);
  EXPECT_EQ(&world.clock(), &world.clock());
  EXPECT_EQ(world.os().open_fd_count(), 0u);
}

TEST_F(WorldBasics, SeamsShareClockAndOsButNotSelector) {
  Seams one = world.seams();
  Seams two = world.seams();
  EXPECT_EQ(one.clock.get(), &world.clock());
  EXPECT_EQ(one.os.get(), &world.os());
  EXPECT_EQ(one.clock, two.clock);
  EXPECT_EQ(one.os, two.os);
  ASSERT_TRUE(one.selector && two.selector);
  EXPECT_NE(one.selector, two.selector);
  EXPECT_EQ(one.selector->name(), "SimSelector");
}

TEST(WorldLifetime, SeamsOutliveTheWorldObject) {
  Seams seams;
  {
    World world(7);
    seams = world.seams();
    world.call_at(
        1.5, [] {}, "tick");
  }
  auto [r, w] = seams.os->pipe();
  seams.selector->register_fd(r, EVENT_READ);
  std::vector<SelectorEvent> ready;
  seams.selector->select(3.0, ready);
  EXPECT_TRUE(ready.empty());
  EXPECT_EQ(seams.clock->now(), 3.0);
  seams.selector->close();
  seams.os->close(r);
  seams.os->close(w);
  EXPECT_EQ(seams.os->open_fd_count(), 0u);
}

TEST_F(WorldBasics, CallLaterIsRelativeToNow) {
  world.advance(2.0);
  double ran_at = -1;
  world.call_later(1.5, [&] { ran_at = world.now(); });
  auto selector = world.make_selector();
  std::vector<SelectorEvent> ready;
  selector->select(10.0, ready);
  EXPECT_EQ(ran_at, 3.5);
  EXPECT_EQ(world.now(), 12.0);
}

TEST_F(WorldBasics, CallAtRejectsBadArguments) {
  EXPECT_THROW(world.call_at(std::nan(""), [] {}), ValueError);
  EXPECT_THROW(world.call_at(HUGE_VAL, [] {}), ValueError);
  EXPECT_THROW(world.call_at(1.0, nullptr), ValueError);
  EXPECT_EQ(world.pending_events(), 0u);
}

TEST_F(WorldBasics, OnlyLabelledEventsAreTraced) {
  world.call_at(1.0, [] {});
  world.call_at(
      2.0, [] {}, "labelled");
  auto selector = world.make_selector();
  std::vector<SelectorEvent> ready;
  selector->select(5.0, ready);
  EXPECT_EQ(world.trace_lines(),
            (std::vector<std::string>{"t=2.000000000 event labelled",
                                      "t=5.000000000 select timeout=5.000000000 -> []"}));
}

TEST_F(WorldBasics, ExceptionFromAWorldEventLeavesSelect) {
  world.call_at(1.0, [] { throw RuntimeError("boom"); });
  world.call_at(2.0, [] {});
  auto selector = world.make_selector();
  std::vector<SelectorEvent> ready;
  EXPECT_THROW(selector->select(5.0, ready), RuntimeError);
  EXPECT_EQ(world.now(), 1.0);
  EXPECT_EQ(world.pending_events(), 1u);  // the failed event is gone, the next one stays
}

TEST_F(WorldBasics, TraceLinesAndFingerprint) {
  EXPECT_EQ(world.fingerprint(), 0xcbf29ce484222325ULL);  // FNV-1a of nothing
  world.trace("hello");
  world.advance(1.25);
  world.trace("world");
  EXPECT_EQ(world.trace_lines(),
            (std::vector<std::string>{"t=0.000000000 hello", "t=1.250000000 world"}));
  EXPECT_EQ(world.fingerprint(), fnv1a64("t=0.000000000 hello\nt=1.250000000 world\n"));
  EXPECT_EQ(world.fingerprint_hex().size(), 16u);
  char expected[17];
  std::snprintf(expected, sizeof expected, "%016llx",
                static_cast<unsigned long long>(world.fingerprint()));
  EXPECT_EQ(world.fingerprint_hex(), expected);
}

TEST_F(WorldBasics, EnvironmentStartsEmpty) {
  EXPECT_EQ(world.os().getenv("HOME"), std::nullopt);
  world.setenv("PYTHONASYNCIODEBUG", "1");
  EXPECT_EQ(world.seams().os->getenv("PYTHONASYNCIODEBUG"), "1");
  world.unsetenv("PYTHONASYNCIODEBUG");
  EXPECT_EQ(world.os().getenv("PYTHONASYNCIODEBUG"), std::nullopt);
}

// A small loop-like script: a peer sends messages at random latencies over a socket pair and
// a pipe; the "loop" selects with timeouts, reads, echoes and burns simulated CPU time.
void run_script(World& world) {
  Seams seams = world.seams();
  Os& os = *seams.os;
  Selector& selector = *seams.selector;
  auto [a, b] = os.socketpair();
  auto [r, w] = os.pipe();
  selector.register_fd(a, EVENT_READ);
  selector.register_fd(r, EVENT_READ);
  Random latency = world.random("latency");
  Random cpu = world.random("cpu");
  double when = 0;
  for (int i = 0; i < 20; ++i) {
    when += latency.uniform(0.001, 0.5);
    const int target = latency.chance(0.5) ? b : w;
    world.call_at(
        when, [&os, target, i] { write_text(os, target, "m" + std::to_string(i)); },
        "send " + std::to_string(i));
  }
  std::vector<SelectorEvent> ready;
  do {
    selector.select(latency.uniform(0.05, 0.3), ready);
    for (const SelectorEvent& event : ready) {
      // Small reads, so that messages arrive in several chunks as on a real stream.
      for (std::string text; !(text = read_text(os, event.fd, 2)).empty();) {
        world.trace("recv fd=" + std::to_string(event.fd) + " " + text);
      }
      world.advance(static_cast<double>(cpu.uniform_int(1, 1000)) * 1e-6);
    }
  } while (world.pending_events() > 0 || !ready.empty());
  selector.close();
  for (int fd : {a, b, r, w}) os.close(fd);
}

TEST(WorldDeterminism, SameSeedSameTraceAndFingerprint) {
  World first(2024);
  World second(2024);
  run_script(first);
  run_script(second);
  EXPECT_FALSE(first.trace_lines().empty());
  EXPECT_EQ(first.trace_lines(), second.trace_lines());
  EXPECT_EQ(first.fingerprint(), second.fingerprint());
  EXPECT_EQ(first.os().open_fd_count(), 0u);
  EXPECT_EQ(second.os().open_fd_count(), 0u);
}

TEST(WorldDeterminism, DifferentSeedDifferentFingerprint) {
  World first(1);
  World second(2);
  run_script(first);
  run_script(second);
  EXPECT_NE(first.fingerprint(), second.fingerprint());
}

TEST(WorldDeterminism, FingerprintIsPinnedAcrossBuilds) {
  // If this changes on one compiler or optimisation level only, determinism is broken. If it
  // changes everywhere after an intended change to the trace format, update the constant.
  World world(2024);
  run_script(world);
  std::string trace;
  for (const std::string& line : world.trace_lines()) trace += line + "\n";
  EXPECT_EQ(world.fingerprint_hex(), "d27b0e9bdac15aef") << trace;
}

}  // namespace
}  // namespace aio::sim
