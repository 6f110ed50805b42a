// The loop on the simulator only: deadlock reporting and run-to-run determinism.
#include <gtest/gtest.h>

#include "aio/event_loop.h"
#include "aio/sim/deadlock.h"
#include "aio/sim/world.h"

namespace aio::sim {
namespace {

TEST(SimLoop, NothingScheduledIsReportedAsDeadlockNotAHang) {
  World world(1);
  EventLoop loop(world.seams());
  loop.call_later(2.5, [] {});
  try {
    loop.run_forever();
    FAIL() << "run_forever returned";
  } catch (const Deadlock& e) {
    EXPECT_NE(std::string(e.what()).find("deadlock at t=2.500000000"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(loop.is_running());  // RUN-04: reset on the way out
  loop.close();
}

TEST(SimLoop, AReaderWithNoWriterDeadlocksWithItsFdNamed) {
  World world(2);
  EventLoop loop(world.seams());
  auto [r, w] = world.os().pipe();
  loop.add_reader(r, [] {});
  try {
    loop.run_forever();
    FAIL() << "run_forever returned";
  } catch (const Deadlock& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(r) + " r"), std::string::npos) << e.what();
  }
  loop.remove_reader(r);
  loop.close();
  world.os().close(r);
  world.os().close(w);
}

std::string run_scripted(std::uint64_t seed) {
  World world(seed);
  EventLoop loop(world.seams());
  Random random = world.random("delays");
  std::string order;
  for (int i = 0; i < 50; ++i)
    loop.call_later(random.uniform(0, 1), [&order, i] { order += std::to_string(i) + ","; });
  auto [r, w] = world.os().pipe();
  loop.add_reader(r, [&, r = r] {
    std::byte b[8];
    world.os().read(r, b);
    order += "R,";
  });
  world.call_at(0.5, [&, w = w] {
    std::byte b{1};
    world.os().write(w, std::span<const std::byte>(&b, 1));
  }, "peer writes");
  loop.call_later(2, [&] { loop.stop(); });
  loop.run_forever();
  loop.remove_reader(r);
  loop.close();
  world.os().close(r);
  world.os().close(w);
  return order + world.fingerprint_hex();
}

TEST(SimLoop, SameSeedSameTraceDifferentSeedDifferentTrace) {
  EXPECT_EQ(run_scripted(42), run_scripted(42));
  EXPECT_NE(run_scripted(42), run_scripted(43));
}

}  // namespace
}  // namespace aio::sim
